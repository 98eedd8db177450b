package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/serasi/serasi/internal/store/postgis/postgistest"
)

// TestFleet runs three instances of the real binary over one PostGIS,
// writes through the first and finds each change in the vector tiles (whose
// cache they had filled before), the GeoJSON and the OGC API items of the
// other two within 1 s. Then it kills every LISTEN connection
// (pg_terminate_backend) and finds the next change within the poll
// interval.
func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbURL := postgistest.NewSeeded(t)
	bin := filepath.Join(t.TempDir(), "serasi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"DATABASE_URL=" + dbURL}
	token := pgToken(t, bin, env)
	const poll = 500 * time.Millisecond
	var fleet []*served
	for range 3 {
		fleet = append(fleet, startServeWith(t, bin, env, "--change-poll", poll.String()))
	}
	for _, s := range fleet {
		defer s.stop(t)
	}
	writer, readers := fleet[0], fleet[1:]

	wale := orb.Point{122.6077, -5.4560}
	tile := maptile.At(wale, 14)
	tilePath := fmt.Sprintf("/tiles/projects/14/%d/%d.mvt", tile.X, tile.Y)
	// The readers cache the tile before the writes.
	for _, r := range readers {
		if code, _ := fetch(t, r.url+tilePath, ""); code != http.StatusOK {
			t.Fatalf("GET %s: %d", tilePath, code)
		}
	}

	seen := func(r *served, id string) (tileHas, geojsonHas, ogcHas bool) {
		_, body := fetch(t, r.url+tilePath, "")
		tileHas = bytes.Contains(body, []byte(id))
		_, body = fetch(t, r.url+"/geojson/projects", "")
		geojsonHas = bytes.Contains(body, []byte(`"`+id+`"`))
		code, _ := fetch(t, r.url+"/ogcapi/collections/projects/items/"+id, "application/geo+json")
		return tileHas, geojsonHas, code == http.StatusOK
	}
	// waitAll waits until every reader shows id everywhere, and returns
	// how long that took after the write was acknowledged.
	waitAll := func(id string, limit time.Duration, acked time.Time) time.Duration {
		t.Helper()
		for _, r := range readers {
			for {
				tl, gj, ogc := seen(r, id)
				if tl && gj && ogc {
					break
				}
				if time.Since(acked) > limit {
					t.Fatalf("%s: project %s after %s: tile %v, GeoJSON %v, OGC item %v; want all within %s",
						r.url, id, time.Since(acked).Round(time.Millisecond), tl, gj, ogc, limit)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		return time.Since(acked)
	}

	id, err := createProject(writer.url, token, "Tugu armada satu")
	if err != nil {
		t.Fatal(err)
	}
	took := waitAll(id, time.Second, time.Now())
	t.Logf("first change seen by both readers after %s", took.Round(time.Millisecond))

	// Kill every LISTEN connection: notifications sent while a listener
	// is away are lost, and the poll must find the change.
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var killed int
	err = db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`).Scan(&killed)
	if err != nil || killed < 2 {
		t.Fatalf("terminated %d LISTEN connections (%v), want one per instance", killed, err)
	}
	id, err = createProject(writer.url, token, "Tugu armada dua")
	if err != nil {
		t.Fatal(err)
	}
	took = waitAll(id, poll+300*time.Millisecond, time.Now())
	t.Logf("after pg_terminate_backend of %d listeners, the next change was seen after %s", killed, took.Round(time.Millisecond))
}

// pgToken makes an editor token with `serasi token create` on the database.
func pgToken(t testing.TB, bin string, env []string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "token", "create", "--role", "editor", "--name", "fleet")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("token create: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

func fetch(t *testing.T, url, accept string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, body
}
