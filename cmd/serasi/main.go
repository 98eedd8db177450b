// Command serasi serves the Social Harmony Program of Kota Baubau as a
// GraphQL API, and manages its data.
//
//	serasi serve      run the API (embedded data, or PostGIS with DATABASE_URL)
//	serasi migrate    apply (up) or roll back (down) the PostGIS schema
//	serasi seed       load the embedded geodata into PostGIS, idempotently
//	serasi geodata    rebuild geodata/ from the shared source boundaries
//	serasi generate   write synthetic projects for benchmarks
//	serasi token      create, list and revoke API tokens
//	serasi import     import projects, forums or activities from a file, or boundaries
//	serasi export     export a layer as CSV, XLSX, GeoJSON or GeoPackage
//	serasi template   write a template to fill and import
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":    {"run the API server", runServe},
		"migrate":  {"apply (up) or roll back (down) the PostGIS schema", runMigrate},
		"seed":     {"load the embedded geodata into PostGIS (idempotent)", runSeed},
		"geodata":  {"rebuild geodata/ from the shared source boundaries", runGeodata},
		"generate": {"write synthetic projects for benchmarks", runGenerate},
		"token":    {"create, list and revoke API tokens", runToken},
		"import":   {"import projects, forums or activities from CSV, XLSX or GeoJSON, or boundaries", runImport},
		"export":   {"export a layer as CSV, XLSX, GeoJSON or GeoPackage", runExport},
		"template": {"write an XLSX or CSV template to fill and import", runTemplate},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "serasi:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: serasi <command> [flags]\n\ncommands:")
	for _, name := range []string{"serve", "migrate", "seed", "geodata", "generate", "token", "import", "export", "template"} {
		fmt.Fprintf(w, "  %-9s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'serasi <command> -h' for the flags of a command.")
}
