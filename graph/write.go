package graph

import (
	"context"
	"errors"
	"math"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/graph/model"
	"github.com/serasi/serasi/graph/relay"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
)

// This file holds what the mutation resolvers share: the role check, the
// translation of inputs to the domain's, and field names in errors.

// inputArg is the argument that carries a mutation's content; the store
// names fields relative to it ("title"), the API from the arguments
// ("input.title"), as the scalars already do for what they refuse.
const inputArg = "input"

// writer returns the actor of a mutation that may go ahead, and the writer
// to make it with.
func (r *Resolver) writer(ctx context.Context) (store.Writer, domain.Actor, error) {
	actor, err := authorize(ctx)
	if err != nil {
		return nil, actor, err
	}
	if r.Writer == nil {
		return nil, actor, domain.Errorf(domain.EFORBIDDEN, "this server is read-only")
	}
	return r.Writer, actor, nil
}

// wrote finishes a record mutation: after a success it runs OnWrite (the
// change is durable by then, see store.Writer), and it names fields of the
// input argument as the API sees them.
func wrote[T any](r *Resolver, v T, err error) (*T, error) {
	if err != nil {
		return nil, underInput(err)
	}
	if r.OnWrite != nil {
		r.OnWrite()
	}
	return &v, nil
}

// underInput prefixes the field names of a store error (and of each of its
// Details) with "input.": the store names them relative to the input
// object. The one field that is an argument of its own is version.
func underInput(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	prefix := func(e *domain.Error) *domain.Error {
		c := *e
		if c.Field != "" && c.Field != "version" {
			c.Field = inputArg + "." + c.Field
		}
		return &c
	}
	out := prefix(de)
	out.Details = nil
	for _, d := range de.Details {
		out.Details = append(out.Details, prefix(d))
	}
	return out
}

func forumInput(in model.ForumInput) (domain.ForumInput, error) {
	p, err := point("input.secretariat", in.Secretariat)
	if err != nil {
		return domain.ForumInput{}, err
	}
	return domain.ForumInput{
		ID:             deref(in.ID),
		Name:           in.Name,
		KelurahanCodes: in.KelurahanCodes,
		YearFormed:     in.YearFormed,
		Status:         in.Status,
		MemberCount:    in.MemberCount,
		Secretariat:    *p,
		Description:    deref(in.Description),
	}, nil
}

func projectInput(in model.ProjectInput) (domain.ProjectInput, error) {
	budget, err := rupiah("input.budgetRupiah", in.BudgetRupiah)
	if err != nil {
		return domain.ProjectInput{}, err
	}
	return domain.ProjectInput{
		ID:            deref(in.ID),
		Title:         in.Title,
		Kind:          in.Kind,
		Geometry:      in.Geometry,
		KelurahanCode: deref(in.KelurahanCode),
		ForumID:       deref(in.ForumID),
		Year:          in.Year,
		BudgetRupiah:  budget,
		Status:        in.Status,
		StartDate:     in.StartDate,
		FinishDate:    in.FinishDate,
		Beneficiaries: deref(in.Beneficiaries),
		Description:   deref(in.Description),
	}, nil
}

func activityInput(in model.ActivityInput) (domain.ActivityInput, error) {
	var loc *orb.Point
	if in.Location != nil {
		var err error
		if loc, err = point("input.location", in.Location); err != nil {
			return domain.ActivityInput{}, err
		}
	}
	return domain.ActivityInput{
		ID:            deref(in.ID),
		Title:         in.Title,
		ForumID:       in.ForumID,
		Kind:          in.Kind,
		Date:          in.Date,
		Participants:  in.Participants,
		Location:      loc,
		KelurahanCode: deref(in.KelurahanCode),
		Description:   deref(in.Description),
	}, nil
}

// point takes a GeoJSON argument that must be a Point.
func point(field string, g orb.Geometry) (*orb.Point, error) {
	p, ok := g.(orb.Point)
	if !ok {
		typ := "null"
		if g != nil {
			typ = g.GeoJSONType()
		}
		return nil, domain.Invalid(field, "must be a GeoJSON Point, not a %s", typ)
	}
	return &p, nil
}

// rupiah reads a budget given as a Float (GraphQL's Int is 32-bit). It
// must be whole; the store checks the range, so values beyond it are
// clamped to just outside it rather than converted (a float beyond int64
// has no defined conversion).
func rupiah(field string, f float64) (int64, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, domain.Invalid(field, "must be a whole number of rupiah")
	}
	switch {
	case f > float64(store.MaxBudgetRupiah):
		return store.MaxBudgetRupiah + 1, nil
	case f < 0:
		return -1, nil
	}
	return int64(f), nil
}

func auditFilter(f *model.AuditFilter) domain.AuditFilter {
	if f == nil {
		return domain.AuditFilter{}
	}
	return domain.AuditFilter{
		RecordType: deref(f.RecordType),
		RecordID:   deref(f.RecordID),
		TokenID:    deref(f.TokenID),
		From:       f.From,
		To:         f.To,
	}
}

// auditLog answers an audit connection.
func (r *Resolver) auditLog(ctx context.Context, f domain.AuditFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	p, err := page(first, after)
	if err != nil {
		return nil, err
	}
	res, err := r.Writer.AuditLog(ctx, f, p)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditEntryConnection{
		Edges:      make([]*model.AuditEntryEdge, len(res.Items)),
		TotalCount: res.TotalCount,
	}
	for i := range res.Items {
		conn.Edges[i] = &model.AuditEntryEdge{Cursor: relay.Cursor(p.Offset + i), Node: &res.Items[i]}
	}
	pi := relay.Info(p.Offset, len(res.Items), res.TotalCount)
	conn.PageInfo = &pi
	return conn, nil
}
