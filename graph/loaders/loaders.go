// Package loaders batches the store reads that GraphQL field resolvers make
// for each object of a list (Project.kelurahan, Project.forum,
// Forum.kelurahan, Activity.forum, ...), so that a list of n projects costs
// one store call per relation instead of n. The loaders are built per
// request by Middleware and reached with For; their caches die with the
// request, so nothing stale outlives it.
package loaders

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// wait is how long a loader gathers keys before it fetches. gqlgen
// resolves the fields of a list concurrently, so the keys of one list
// arrive within microseconds; dataloadgen's default of 16 ms would only add
// latency to every nesting level.
const wait = 2 * time.Millisecond

// Loaders are the request-scoped loaders.
type Loaders struct {
	// Kelurahan loads kelurahan by code (Store.KelurahansByCodes).
	Kelurahan *dataloadgen.Loader[string, *domain.Kelurahan]
	// Forum loads forums by id (Store.ForumsByIDs).
	Forum *dataloadgen.Loader[string, *domain.Forum]
	// Kecamatan loads kecamatan by code in one Store.Kecamatans call, of
	// their kabupaten/kota when they share one (as Baubau's 8 do).
	Kecamatan *dataloadgen.Loader[string, *domain.Kecamatan]
	// Provinsi loads provinsi by code, from one Store.Provinsis call.
	Provinsi *dataloadgen.Loader[string, *domain.Provinsi]
	// KabupatenKota loads kabupaten/kota by code in one
	// Store.KabupatenKotas call, of their provinsi when they share one.
	KabupatenKota *dataloadgen.Loader[string, *domain.KabupatenKota]
	// KabupatenKotasOfProvinsi loads the kabupaten/kota of each provinsi
	// code, in one Store.KabupatenKotas call.
	KabupatenKotasOfProvinsi *dataloadgen.Loader[string, []domain.KabupatenKota]
	// KecamatansOfKabupatenKota loads the kecamatan of each kabupaten/kota
	// code, in one Store.Kecamatans call.
	KecamatansOfKabupatenKota *dataloadgen.Loader[string, []domain.Kecamatan]
	// ForumsOfKelurahan loads the forums serving each kelurahan code, from
	// one Store.Forums call.
	ForumsOfKelurahan *dataloadgen.Loader[string, []domain.Forum]
	// KelurahanOfKecamatan loads the kelurahan of each kecamatan code, from
	// one Store.Kelurahans call.
	KelurahanOfKecamatan *dataloadgen.Loader[string, []domain.Kelurahan]
	// Neighbours loads the codes of each kelurahan's neighbours
	// (Store.KelurahanNeighbours).
	Neighbours *dataloadgen.Loader[string, []string]
}

// New returns fresh loaders reading st.
func New(st store.Store) *Loaders {
	opt := dataloadgen.WithWait(wait)
	return &Loaders{
		Kelurahan: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([]*domain.Kelurahan, []error) {
			ks, err := st.KelurahansByCodes(ctx, codes)
			return match(codes, ks, err, func(k domain.Kelurahan) string { return k.Code }, "kelurahan")
		}, opt),
		Forum: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*domain.Forum, []error) {
			fs, err := st.ForumsByIDs(ctx, ids)
			return match(ids, fs, err, func(f domain.Forum) string { return f.ID }, "forum")
		}, opt),
		Kecamatan: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([]*domain.Kecamatan, []error) {
			ks, err := st.Kecamatans(ctx, domain.KecamatanFilter{KabupatenKotaCode: sharedParent(codes, domain.KabupatenKotaCodeOf)})
			return match(codes, ks, err, func(k domain.Kecamatan) string { return k.Code }, "kecamatan")
		}, opt),
		Provinsi: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([]*domain.Provinsi, []error) {
			ps, err := st.Provinsis(ctx)
			return match(codes, ps, err, func(p domain.Provinsi) string { return p.Code }, "provinsi")
		}, opt),
		KabupatenKota: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([]*domain.KabupatenKota, []error) {
			ks, err := st.KabupatenKotas(ctx, domain.KabupatenKotaFilter{ProvinsiCode: sharedParent(codes, domain.ProvinsiCodeOf)})
			return match(codes, ks, err, func(k domain.KabupatenKota) string { return k.Code }, "kabupaten/kota")
		}, opt),
		KabupatenKotasOfProvinsi: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([][]domain.KabupatenKota, []error) {
			ks, err := st.KabupatenKotas(ctx, domain.KabupatenKotaFilter{ProvinsiCode: sharedParent(codes, func(c string) string { return c })})
			return group(codes, ks, err, func(k domain.KabupatenKota) []string { return []string{k.ProvinsiCode} })
		}, opt),
		KecamatansOfKabupatenKota: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([][]domain.Kecamatan, []error) {
			ks, err := st.Kecamatans(ctx, domain.KecamatanFilter{ProvinsiCode: sharedParent(codes, domain.ProvinsiCodeOf)})
			return group(codes, ks, err, func(k domain.Kecamatan) []string { return []string{k.KabupatenKotaCode} })
		}, opt),
		ForumsOfKelurahan: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([][]domain.Forum, []error) {
			fs, err := st.Forums(ctx, domain.ForumFilter{})
			return group(codes, fs, err, func(f domain.Forum) []string { return f.KelurahanCodes })
		}, opt),
		KelurahanOfKecamatan: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([][]domain.Kelurahan, []error) {
			ks, err := st.Kelurahans(ctx, domain.KelurahanFilter{KabupatenKotaCode: sharedParent(codes, domain.KabupatenKotaCodeOf)})
			return group(codes, ks, err, func(k domain.Kelurahan) []string { return []string{k.KecamatanCode} })
		}, opt),
		Neighbours: dataloadgen.NewLoader(func(ctx context.Context, codes []string) ([][]string, []error) {
			ns, err := st.KelurahanNeighbours(ctx, codes)
			if err == nil && len(ns) != len(codes) {
				err = fmt.Errorf("loaders: %d neighbour lists for %d kelurahan", len(ns), len(codes))
			}
			if err != nil {
				return nil, []error{err}
			}
			return ns, nil
		}, opt),
	}
}

// sharedParent returns the parent code that every key has (so one store
// call filtered by it answers them all, as for Baubau's records), or "" (no
// filter) when they have several.
func sharedParent(keys []string, parentOf func(string) string) string {
	if len(keys) == 0 {
		return ""
	}
	p := parentOf(keys[0])
	for _, k := range keys[1:] {
		if parentOf(k) != p {
			return ""
		}
	}
	return p
}

// match orders items by keys; a key without an item gets ENOTFOUND, and a
// store error is every key's error.
func match[T any](keys []string, items []T, err error, keyOf func(T) string, kind string) ([]*T, []error) {
	out := make([]*T, len(keys))
	errs := make([]error, len(keys))
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	byKey := make(map[string]*T, len(items))
	for i := range items {
		byKey[keyOf(items[i])] = &items[i]
	}
	for i, k := range keys {
		if it, ok := byKey[k]; ok {
			out[i] = it
		} else {
			errs[i] = domain.NotFound(kind, k)
		}
	}
	return out, errs
}

// group gives each key the items (in store order) that list it.
func group[T any](keys []string, items []T, err error, keysOf func(T) []string) ([][]T, []error) {
	out := make([][]T, len(keys))
	errs := make([]error, len(keys))
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	byKey := map[string][]T{}
	for _, it := range items {
		for _, k := range keysOf(it) {
			byKey[k] = append(byKey[k], it)
		}
	}
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out, errs
}

type ctxKey struct{}

// Middleware gives every request its own loaders over st. They are built
// on first use: most map-client requests (kelurahanAt, nearest projects)
// touch no relation, and building five loaders was a tenth of their
// allocations.
func Middleware(st store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lazy := sync.OnceValue(func() *Loaders { return New(st) })
		ctx := context.WithValue(r.Context(), ctxKey{}, lazy)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the loaders of the request, or nil outside Middleware.
func For(ctx context.Context) *Loaders {
	lazy, _ := ctx.Value(ctxKey{}).(func() *Loaders)
	if lazy == nil {
		return nil
	}
	return lazy()
}
