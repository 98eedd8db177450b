package export

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/paulmach/orb/geojson"
)

// writeGeoJSON writes an RFC 7946 FeatureCollection, one feature at a
// time, with the sheet columns as properties (lintang, bujur and geometri
// are the feature's geometry instead).
func writeGeoJSON(ctx context.Context, w io.Writer, src *source) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(`{"type":"FeatureCollection","features":[`); err != nil {
		return err
	}
	first := true
	err := src.each(ctx, func(r record) error {
		if err := src.check(r); err != nil {
			return err
		}
		props := make(map[string]any, len(r.values))
		for i, c := range src.columns {
			switch c.Key {
			case "lintang", "bujur", "geometri":
				continue
			}
			v := r.values[i]
			if t, ok := v.(time.Time); ok {
				v = t.Format(time.DateOnly)
			}
			props[c.Key] = v
		}
		var g *geojson.Geometry
		if r.geometry != nil {
			g = geojson.NewGeometry(r.geometry)
		}
		b, err := json.Marshal(struct {
			Type       string            `json:"type"`
			ID         any               `json:"id"`
			Geometry   *geojson.Geometry `json:"geometry"`
			Properties map[string]any    `json:"properties"`
		}{"Feature", r.values[0], g, props})
		if err != nil {
			return err
		}
		if !first {
			if err := bw.WriteByte(','); err != nil {
				return err
			}
		}
		first = false
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}
