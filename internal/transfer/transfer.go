// Package transfer is the HTTP side of bringing records in and taking
// them out:
//
//	POST /import/{layer}?dryRun=true|false   a CSV, XLSX or GeoJSON file as the body
//	                                         or as multipart form data (EDITOR token)
//	GET  /export/{layer}.{csv,xlsx,geojson,gpkg}?<the layer's filters>
//	GET  /templates/{layer}.{xlsx,csv}
//
// Parsing, checking and writing live in internal/importer and
// internal/export; this package reads requests and writes answers.
package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/export"
	"github.com/serasi/serasi/internal/httpx"
	"github.com/serasi/serasi/internal/importer"
	"github.com/serasi/serasi/internal/layers"
	"github.com/serasi/serasi/internal/store"
)

// MaxUploadBytes bounds an import request: the file's limit plus room for
// multipart headers. The server must not apply its smaller body limit to
// POST /import/.
const MaxUploadBytes = importer.MaxFileBytes + 64<<10

// ImportTimeout bounds one import or export over HTTP, reading the upload
// included.
// The server's write timeout still bounds the answer: a file too big to
// check and write in that time is better imported with serasi import.
const ImportTimeout = 2 * time.Minute

// Options configure the handlers.
type Options struct {
	// Writer takes the import batches; nil makes imports FORBIDDEN (a
	// read-only store).
	Writer importer.BatchWriter
	// OnWrite runs after an import has written (the tile cache forgets).
	OnWrite func()
	Logger  *slog.Logger
}

// Routes returns the handler of /import/, /export/ and /templates/.
// Authentication is the caller's (httpx.Authenticate); imports need an
// EDITOR actor in the context.
func Routes(st store.Store, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &handler{st: st, opts: opts}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /import/{layer}", h.importFile)
	mux.HandleFunc("GET /export/{file}", h.exportFile)
	mux.HandleFunc("GET /templates/{file}", h.template)
	return mux
}

type handler struct {
	st   store.Store
	opts Options
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.WriteError(w, r, h.opts.Logger, err)
}

func (h *handler) importFile(w http.ResponseWriter, r *http.Request) {
	actor := domain.ActorFromContext(r.Context())
	if err := store.Authorize(actor, domain.RoleEditor); err != nil {
		if domain.ErrorCode(err) == domain.EUNAUTHENTICATED {
			httpx.Unauthenticated(w, "", "an import needs an EDITOR token: send Authorization: Bearer <token>")
			return
		}
		h.fail(w, r, err)
		return
	}
	if h.opts.Writer == nil {
		h.fail(w, r, domain.Errorf(domain.EFORBIDDEN, "this server is read-only"))
		return
	}
	layer, err := importer.ParseLayer(r.PathValue("layer"))
	if err != nil {
		h.fail(w, r, domain.NotFound("layer", r.PathValue("layer")))
		return
	}
	q := r.URL.Query()
	dry := false
	if v := q.Get("dryRun"); v != "" {
		if dry, err = strconv.ParseBool(v); err != nil {
			h.fail(w, r, domain.Invalid("dryRun", "%q is not true or false", v))
			return
		}
	}
	// Refused before reading: the client said how much it sends.
	if r.ContentLength > MaxUploadBytes {
		httpx.WriteJSON(w, http.StatusRequestEntityTooLarge, httpx.MediaJSON, tooLarge(layer, dry))
		return
	}
	body := http.MaxBytesReader(w, r.Body, MaxUploadBytes)
	name, format, file, err := upload(r, body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpx.WriteJSON(w, http.StatusRequestEntityTooLarge, httpx.MediaJSON, tooLarge(layer, dry))
			return
		}
		httpx.Errorf(w, http.StatusBadRequest, httpx.CodeBadRequest, err.Error())
		return
	}
	if v := q.Get("format"); v != "" {
		if format, err = importer.ParseFormat(v); err != nil {
			h.fail(w, r, domain.Invalid("format", "%v", err))
			return
		}
	}
	if n := q.Get("name"); n != "" {
		name = n
	}
	// A whole file takes longer than the server's per-request deadline
	// allows a query; it keeps the request's values (actor, request id)
	// under a deadline of its own. The write is one transaction, so an
	// import cut short writes nothing.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), ImportTimeout)
	defer cancel()
	rep, err := (&importer.Importer{Store: h.st, Writer: h.opts.Writer}).Import(ctx, file, importer.Options{
		Layer: layer, Format: format, Name: name, DryRun: dry, Actor: actor,
	})
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			httpx.WriteJSON(w, http.StatusRequestEntityTooLarge, httpx.MediaJSON, tooLarge(layer, dry))
			return
		}
		h.fail(w, r, err)
		return
	}
	if rep.Written && h.opts.OnWrite != nil {
		h.opts.OnWrite()
	}
	status := http.StatusOK
	if !rep.OK() {
		// The file was read, but its content cannot be written.
		status = http.StatusUnprocessableEntity
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, status, httpx.MediaJSON, rep)
}

func tooLarge(layer importer.Layer, dry bool) *importer.Report {
	return &importer.Report{Layer: layer, DryRun: dry, Problems: []importer.Problem{{Message: importer.ErrTooLarge.Message}}}
}

// upload finds the file of an import request: the first file part of a
// multipart form, or the body itself. The name comes from the part or
// from Content-Disposition; the format from the name or the content type.
func upload(r *http.Request, body io.Reader) (string, importer.Format, io.Reader, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return "", "", nil, errors.New("the form has no file part: send the file as the field \"file\"")
			}
			if err != nil {
				return "", "", nil, fmt.Errorf("the multipart form cannot be read: %w", err)
			}
			if part.FileName() == "" && part.FormName() != "file" {
				continue
			}
			name := path.Base(part.FileName())
			f, _ := formatOfType(part.Header.Get("Content-Type"))
			return name, f, part, nil
		}
	}
	name := ""
	if _, p, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
		name = path.Base(p["filename"])
	}
	f, _ := formatOfType(ct)
	return name, f, body, nil
}

func formatOfType(ct string) (importer.Format, bool) {
	switch ct {
	case "text/csv":
		return importer.CSV, true
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return importer.XLSX, true
	case "application/geo+json":
		return importer.GeoJSON, true
	}
	return "", false
}

// splitFile splits "projects.xlsx" into its layer and extension.
func splitFile(file string) (importer.Layer, string, error) {
	base, ext, ok := strings.Cut(file, ".")
	if !ok {
		return "", "", domain.Errorf(domain.ENOTFOUND, "no such file %q: ask for LAYER.FORMAT, e.g. projects.xlsx", file)
	}
	l, err := importer.ParseLayer(base)
	if err != nil {
		return "", "", domain.Errorf(domain.ENOTFOUND, "no such layer %q (projects, forums or activities)", base)
	}
	return l, ext, nil
}

func (h *handler) exportFile(w http.ResponseWriter, r *http.Request) {
	layer, ext, err := splitFile(r.PathValue("file"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	format, err := export.ParseFormat(ext)
	if err != nil {
		h.fail(w, r, domain.Errorf(domain.ENOTFOUND, "no such export format %q (csv, xlsx, geojson or gpkg)", ext))
		return
	}
	filters, err := layers.ParseFilters(string(layer), r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Written to memory first, so that a failure half way is an error
	// response rather than a truncated file.
	// A whole layer may take longer than a query's deadline (100,000
	// projects are read in pages of 500).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), ImportTimeout)
	defer cancel()
	var buf bytes.Buffer
	if err := export.Write(ctx, h.st, &buf, layer, format, filters); err != nil {
		h.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("serasi-%s-%s.%s", layer, time.Now().UTC().Format("20060102"), format)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteBody(w, http.StatusOK, format.ContentType(), buf.Bytes())
}

func (h *handler) template(w http.ResponseWriter, r *http.Request) {
	layer, ext, err := splitFile(r.PathValue("file"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	format, err := importer.ParseFormat(ext)
	if err != nil || format == importer.GeoJSON {
		h.fail(w, r, domain.Errorf(domain.ENOTFOUND, "no such template format %q (xlsx or csv)", ext))
		return
	}
	kels, err := h.st.Kelurahans(r.Context(), domain.KelurahanFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := importer.WriteTemplate(&buf, layer, format, kels); err != nil {
		h.fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == importer.XLSX {
		ct = export.XLSX.ContentType()
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "template-" + string(layer) + "." + string(format)}))
	httpx.WriteBody(w, http.StatusOK, ct, buf.Bytes())
}
