package ogcapi

import (
	"net/http"

	"github.com/serasi/serasi/internal/layers"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// openAPI serves the OpenAPI 3.0 definition, built from the layer
// definitions so the documented filters are the accepted ones.
func (a *api) openAPI(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if f == formatHTML {
		a.html(w, r, "api", a.root(r)+"/api?f=json")
		return
	}
	layers.WriteJSON(w, http.StatusOK, mediaOpenAPI, a.openAPIDoc(r))
}

func (a *api) openAPIDoc(r *http.Request) obj {
	ref := func(name string) obj { return obj{"$ref": "#/components/parameters/" + name} }
	jsonResp := func(desc, schema string, types ...string) obj {
		content := obj{}
		for _, t := range types {
			content[t] = obj{"schema": obj{"$ref": "#/components/schemas/" + schema}}
		}
		content[mediaHTML] = obj{"schema": obj{"type": "string"}}
		return obj{"description": desc, "content": content}
	}
	errors := obj{
		"400": obj{"$ref": "#/components/responses/BadRequest"},
		"404": obj{"$ref": "#/components/responses/NotFound"},
		"500": obj{"$ref": "#/components/responses/ServerError"},
	}
	with := func(resp obj) obj {
		out := obj{"200": resp}
		for k, v := range errors {
			out[k] = v
		}
		return out
	}
	get := func(id, summary string, params []any, resp obj) obj {
		return obj{"get": obj{"operationId": id, "summary": summary, "tags": []string{"Capabilities"}, "parameters": params, "responses": with(resp)}}
	}
	paths := obj{
		"/":            get("getLandingPage", "Landing page", []any{ref("f")}, jsonResp("The landing page", "landingPage", mediaJSON)),
		"/conformance": get("getConformance", "Conformance classes", []any{ref("f")}, jsonResp("The conformance classes", "confClasses", mediaJSON)),
		"/api":         get("getAPI", "This API definition", []any{ref("f")}, obj{"description": "The OpenAPI 3.0 definition", "content": obj{mediaOpenAPI: obj{"schema": obj{"type": "object"}}}}),
		"/collections": get("getCollections", "Feature collections", []any{ref("f")}, jsonResp("The collections", "collections", mediaJSON)),
	}
	for _, l := range a.opts.Registry.All() {
		base := "/collections/" + l.Name
		params := []any{ref("bbox"), ref("limit"), ref("offset"), ref("datetime"), ref("f")}
		for _, p := range l.Params {
			for _, name := range append([]string{p.Name}, p.Aliases...) {
				params = append(params, paramDoc(name, p))
			}
		}
		paths[base] = get("describe_"+l.Name, l.Title, []any{ref("f")}, jsonResp("The collection", "collection", mediaJSON))
		paths[base+"/items"] = get("get_"+l.Name+"_items", l.Title+": features", params, jsonResp("The features", "featureCollectionGeoJSON", mediaGeoJSON))
		paths[base+"/items/{featureId}"] = get("get_"+l.Name+"_item", l.Title+": one feature", []any{ref("featureId"), ref("f")}, jsonResp("The feature", "featureGeoJSON", mediaGeoJSON))
	}
	errResp := func(desc string) obj {
		return obj{"description": desc, "content": obj{mediaJSON: obj{"schema": obj{"$ref": "#/components/schemas/exception"}}}}
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title": a.opts.Title, "description": a.opts.Description, "version": "1.0.0",
			"license": obj{"name": "Boundaries: MIT (cahyadsn/wilayah_boundaries)"},
		},
		"servers": []obj{{"url": a.root(r)}},
		"tags":    []obj{{"name": "Capabilities"}},
		"paths":   paths,
		"components": obj{
			"parameters": obj{
				"f": obj{"name": "f", "in": "query", "required": false, "description": "The response format",
					"schema": obj{"type": "string", "enum": []string{"json", "html"}}},
				"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "Features intersecting minLon,minLat,maxLon,maxLat (CRS84)",
					"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
				"limit": obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "Features per page; values above the maximum are clamped",
					"schema":      obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}},
				"offset": obj{"name": "offset", "in": "query", "required": false,
					"description": "Features to skip", "schema": obj{"type": "integer", "minimum": 0, "default": 0}},
				"datetime": obj{"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "Date, date-time or interval (a/b, .. open); selects activities by date",
					"schema":      obj{"type": "string"}},
				"featureId": obj{"name": "featureId", "in": "path", "required": true, "description": "Feature id",
					"schema": obj{"type": "string"}},
			},
			"schemas": obj{
				"exception": obj{"type": "object", "required": []string{"code"},
					"properties": obj{"code": obj{"type": "string"}, "message": obj{"type": "string"}, "field": obj{"type": "string"}}},
				"link": obj{"type": "object", "required": []string{"href"},
					"properties": obj{"href": obj{"type": "string"}, "rel": obj{"type": "string"}, "type": obj{"type": "string"}, "title": obj{"type": "string"}}},
				"landingPage":              obj{"type": "object", "required": []string{"links"}},
				"confClasses":              obj{"type": "object", "required": []string{"conformsTo"}},
				"collections":              obj{"type": "object", "required": []string{"links", "collections"}},
				"collection":               obj{"type": "object", "required": []string{"id", "links"}},
				"featureCollectionGeoJSON": obj{"type": "object", "required": []string{"type", "features"}},
				"featureGeoJSON":           obj{"type": "object", "required": []string{"type", "geometry", "properties"}},
			},
			"responses": obj{
				"BadRequest":  errResp("A query parameter is wrong"),
				"NotFound":    errResp("The resource does not exist"),
				"ServerError": errResp("A server error occurred"),
			},
		},
	}
}

func paramDoc(name string, p layers.Param) obj {
	schema := obj{"type": string(p.Type)}
	if p.Format != "" {
		schema["format"] = p.Format
	}
	if p.Enum != nil {
		schema["enum"] = p.Enum
	}
	d := obj{"name": name, "in": "query", "required": false, "description": p.Description, "schema": schema}
	if p.List {
		d["schema"] = obj{"type": "array", "items": schema}
		d["style"], d["explode"] = "form", false
	}
	return d
}
