package httpx

import (
	"strconv"
	"strings"
)

// Media types every endpoint may answer with.
const (
	MediaJSON            = "application/json"
	MediaGeoJSON         = "application/geo+json"
	MediaGraphQLResponse = "application/graphql-response+json"
	MediaHTML            = "text/html"
)

// Negotiate picks the response media type from an Accept header (RFC
// 9110, 12.5.1) among offers: the acceptable offer with the highest q, the
// earlier offer on a tie. A missing or empty header, and a wildcard range
// (*/*, application/*) that wins, answer def when def is in that range (a
// legacy client sending */* gets what it always got), else the first offer
// in the range. q=0 excludes a type. ok is false when the header accepts
// none of the offers; a malformed part is skipped.
func Negotiate(accept, def string, offers ...string) (string, bool) {
	accept = strings.TrimSpace(accept)
	switch accept {
	case "", "*/*":
		return def, true
	}
	best, bestQ, bestRank := "", 0.0, 0
	for part := range strings.SplitSeq(accept, ",") {
		media, params, _ := strings.Cut(part, ";")
		media = strings.ToLower(strings.TrimSpace(media))
		if media == "" {
			continue
		}
		q, ok := qValue(params)
		if !ok || q <= 0 {
			continue
		}
		var cand string
		rank := 0 // specificity: an exact type beats a range of the same q
		switch {
		case media == "*/*":
			cand = def
		case strings.HasSuffix(media, "/*"):
			prefix := media[:len(media)-1]
			if strings.HasPrefix(def, prefix) {
				cand = def
			} else {
				for _, o := range offers {
					if strings.HasPrefix(o, prefix) {
						cand = o
						break
					}
				}
			}
			rank = 1
		default:
			for _, o := range offers {
				if o == media {
					cand = o
					break
				}
			}
			rank = 2
		}
		if cand == "" {
			continue
		}
		if q > bestQ || q == bestQ && (rank > bestRank || rank == bestRank && index(offers, cand) < index(offers, best)) {
			best, bestQ, bestRank = cand, q, rank
		}
	}
	return best, best != ""
}

func index(offers []string, o string) int {
	for i, x := range offers {
		if x == o {
			return i
		}
	}
	return len(offers)
}

// qValue reads q= from a media range's parameters (1 when absent).
func qValue(params string) (float64, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0, false
		}
		return q, true
	}
	return 1, true
}
