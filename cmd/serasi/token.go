package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/serasi/serasi/geodata"
	"github.com/serasi/serasi/internal/domain"
	"github.com/serasi/serasi/internal/store"
	"github.com/serasi/serasi/internal/store/memory"
	"github.com/serasi/serasi/internal/store/postgis"
)

// cliActor is who the command line acts as: an administrator with no
// token, recorded by that name in the audit log.
var cliActor = domain.Actor{Name: "cli", Role: domain.RoleAdmin}

// runToken manages API tokens:
//
//	serasi token create --role editor --name "Dinas Sosial GIS"
//	serasi token list
//	serasi token revoke TOKEN_ID
//
// against PostGIS when DATABASE_URL (or --database-url) is set, else
// against the embedded store's data directory (--data-dir, env
// SERASI_DATA_DIR, default ./serasi-data). A serve running on that data
// directory holds it locked: stop it first, or manage tokens through the
// createToken/revokeToken mutations with an ADMIN token.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("token", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: serasi token create --role viewer|editor|admin --name NAME [flags]\n"+
			"       serasi token list [flags]\n"+
			"       serasi token revoke TOKEN_ID [flags]\n\n"+
			"create prints the new token on stdout, once: only its hash is kept.\n\nflags:")
		flags.PrintDefaults()
	}
	var db dbFlags
	db.register(flags)
	dataDir := flags.String("data-dir", envOr("SERASI_DATA_DIR", DefaultDataDir),
		"embedded store's data directory, used when no database URL is set (env SERASI_DATA_DIR)")
	role := flags.String("role", "", "create: the token's role: viewer (read), editor (also write records) or admin (also tokens and the audit log)")
	name := flags.String("name", "", "create: who or what the token is for, e.g. \"QGIS Dinas Sosial\"")
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		flags.Usage()
		return errors.New("token: which command? create, list or revoke")
	}
	cmd, rest := pos[0], pos[1:]
	switch {
	case cmd == "create" && len(rest) == 0:
		if *role == "" || *name == "" {
			flags.Usage()
			return errors.New("token create needs --role and --name")
		}
	case cmd == "list" && len(rest) == 0:
	case cmd == "revoke" && len(rest) == 1:
	default:
		flags.Usage()
		return fmt.Errorf("token: unexpected arguments %q", pos)
	}

	st, where, err := openTokenStore(ctx, db, *dataDir, cmd == "create", stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	switch cmd {
	case "create":
		tok, secret, err := st.CreateToken(ctx, cliActor, *name, domain.Role(strings.ToUpper(*role)))
		if err != nil {
			return userError("token create", err)
		}
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "Created %s token %s (%q) in %s.\n"+
			"This is the only time it is shown: keep it secret, send it as \"Authorization: Bearer <token>\".\n",
			strings.ToLower(string(tok.Role)), tok.ID, tok.Name, where)
	case "list":
		toks, err := st.ListTokens(ctx)
		if err != nil {
			return userError("token list", err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tNAME\tCREATED\tCREATED BY\tREVOKED")
		for _, t := range toks {
			revoked := "-"
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Name,
				t.CreatedAt.UTC().Format(time.RFC3339), t.CreatedBy, revoked)
		}
		return tw.Flush()
	case "revoke":
		tok, err := st.RevokeToken(ctx, cliActor, rest[0])
		if err != nil {
			return userError("token revoke", err)
		}
		fmt.Fprintf(stderr, "Token %s (%q) is revoked since %s.\n", tok.ID, tok.Name, tok.RevokedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// openTokenStore opens the store the tokens live in, and says which.
// Only create makes a missing data directory: the first token is usually
// made before the first serve.
func openTokenStore(ctx context.Context, db dbFlags, dataDir string, create bool, stderr io.Writer) (store.ReadWriter, string, error) {
	return openDataStore(ctx, "token", "use the createToken mutation", db, dataDir, create, stderr)
}

// openDataStore opens PostGIS when db names a database (its schema must be
// current), else the embedded store's data directory, for command cmd;
// busy says what to do instead when a serve holds the directory.
func openDataStore(ctx context.Context, cmd, busy string, db dbFlags, dataDir string, create bool, stderr io.Writer) (store.ReadWriter, string, error) {
	if db.url != "" {
		st, err := db.open(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("%s: open PostGIS: %w", cmd, err)
		}
		cur, latest, err := postgis.SchemaVersion(ctx, st.DB().DB)
		if err != nil || cur != latest {
			st.Close()
			if err == nil {
				err = fmt.Errorf("the schema is at version %d, this binary needs %d: run 'serasi migrate up'", cur, latest)
			}
			return nil, "", fmt.Errorf("%s: %w", cmd, err)
		}
		return st, "PostGIS", nil
	}
	if dataDir == "" {
		return nil, "", fmt.Errorf("%s: no store: set DATABASE_URL, or --data-dir to the embedded store's data directory", cmd)
	}
	if _, err := os.Stat(dataDir); errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, "", fmt.Errorf("%s: there is no data directory %s (set --data-dir, SERASI_DATA_DIR or DATABASE_URL)", cmd, dataDir)
		}
		fmt.Fprintf(stderr, "Creating the data directory %s.\n", dataDir)
	}
	st, err := memory.Open(geodata.FS, dataDir)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w (a running 'serasi serve' holds the data directory: stop it, or %s)", cmd, err, busy)
	}
	return st, dataDir, nil
}

// userError shows a *domain.Error's message without the internal prefix.
func userError(cmd string, err error) error {
	if domain.ErrorCode(err) != domain.EINTERNAL {
		return fmt.Errorf("%s: %s", cmd, domain.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
