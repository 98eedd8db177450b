package export_test

import (
	"context"
	"testing"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/store"
)

func count(t *testing.T, s store.Store, l importer.Layer) int {
	t.Helper()
	ctx := context.Background()
	switch l {
	case importer.Projects:
		p, err := s.Projects(ctx, domain.ProjectFilter{}, domain.ProjectOrder{}, domain.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return p.TotalCount
	case importer.Forums:
		f, err := s.Forums(ctx, domain.ForumFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(f)
	}
	a, err := s.Activities(ctx, domain.ActivityFilter{}, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return a.TotalCount
}
