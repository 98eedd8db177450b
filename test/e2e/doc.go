// Package e2e drives the served pages in headless Chromium over the DevTools
// protocol: the /map page renders the kelurahan and projects with WebGL
// (SwiftShader), filters, searches and opens popups, and GraphiQL at /
// answers a query — all without a request to any other host.
//
// The tests skip when Chromium is missing, unless CI=true. E2E_SCREENSHOT
// names where the map screenshot is written (default: a temp file, logged).
package e2e
