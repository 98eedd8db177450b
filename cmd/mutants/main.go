// Command mutants plants the bugs of mutants.go one at a time in a
// temporary copy of the working tree and runs the shared suites on it —
// the store conformance suite (storetest) and the GraphQL/HTTP suite
// (servertest), on both stores, and nothing else — to show which bugs they
// catch. It is run by scripts/mutants (under scripts/pgtest, for PostGIS):
//
//	scripts/pgtest run -- scripts/mutants [-only SUBSTRING] [-keep]
//
// A mutant whose pattern no longer matches exactly once stops the run
// before anything is tested; one that does not compile is reported as
// broken. The exit status is 1 when a mutant survived or was broken.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

type mutant struct {
	Name     string
	File     string // relative to the repository root
	Old, New string
	// Re: Old is a regular expression and New may use its groups ($1).
	Re bool
}

// apply returns src with the mutation, or an error unless Old occurs
// exactly once.
func (m mutant) apply(src []byte) ([]byte, error) {
	re, err := m.regexp()
	if err != nil {
		return nil, err
	}
	locs := re.FindAllIndex(src, -1)
	if len(locs) != 1 {
		return nil, fmt.Errorf("mutant %q: its pattern occurs %d times in %s, want exactly once; update cmd/mutants/mutants.go to the code as it is now", m.Name, len(locs), m.File)
	}
	var out bytes.Buffer
	out.Write(src[:locs[0][0]])
	if m.Re {
		out.Write(re.Expand(nil, []byte(m.New), src, re.FindSubmatchIndex(src)))
	} else {
		out.WriteString(m.New)
	}
	out.Write(src[locs[0][1]:])
	return out.Bytes(), nil
}

func (m mutant) regexp() (*regexp.Regexp, error) {
	if m.Re {
		return regexp.Compile(m.Old)
	}
	return regexp.Compile(regexp.QuoteMeta(m.Old))
}

func main() {
	only := flag.String("only", "", "run only the mutants whose name contains this")
	keep := flag.Bool("keep", false, "keep the temporary copy")
	timeout := flag.Duration("timeout", 15*time.Minute, "time limit of one suite run")
	noBaseline := flag.Bool("no-baseline", false, "skip the run without a mutant (it proves the suites pass on the copy)")
	list := flag.Bool("list", false, "list the mutants and the suites, and exit")
	flag.Parse()
	if err := run(*only, *keep, *timeout, !*noBaseline, *list); err != nil {
		fmt.Fprintln(os.Stderr, "mutants:", err)
		os.Exit(1)
	}
}

func run(only string, keep bool, timeout time.Duration, baseline, list bool) error {
	root, err := gitOutput(".", "rev-parse", "--show-toplevel")
	if err != nil {
		return err
	}
	suites, err := findSuites(root)
	if err != nil {
		return err
	}
	var chosen []mutant
	for _, m := range mutants {
		if strings.Contains(m.Name, only) {
			chosen = append(chosen, m)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("no mutant matches %q", only)
	}
	// Every pattern is checked against the tree before anything runs.
	var bad []string
	for _, m := range chosen {
		src, err := os.ReadFile(filepath.Join(root, m.File))
		if err == nil {
			_, err = m.apply(src)
		}
		if err != nil {
			bad = append(bad, err.Error())
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "\n"))
	}
	fmt.Printf("suites: %s\n", suites)
	if list {
		for _, m := range chosen {
			fmt.Printf("  %-50s %s\n", m.Name, m.File)
		}
		return nil
	}
	if os.Getenv("TEST_DATABASE_URL") == "" {
		return errors.New("TEST_DATABASE_URL is not set: run scripts/pgtest run -- scripts/mutants (the suites run on PostGIS too)")
	}

	dir, err := os.MkdirTemp("", "serasi-mutants-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Printf("copy: %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if err := copyTree(root, dir); err != nil {
		return err
	}

	if baseline {
		start := time.Now()
		ok, out := suites.run(dir, timeout)
		if !ok {
			return fmt.Errorf("the suites fail without a mutant (%s); fix that first:\n%s", time.Since(start).Round(time.Second), tail(out, 60))
		}
		fmt.Printf("baseline: the suites pass without a mutant (%s)\n", time.Since(start).Round(time.Second))
	}

	type result struct {
		m       mutant
		verdict string
		by, all string
		took    time.Duration
	}
	var results []result
	for _, m := range chosen {
		path := filepath.Join(dir, m.File)
		orig, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		mutated, err := m.apply(orig)
		if err != nil {
			return err
		}
		if err := os.WriteFile(path, mutated, 0o644); err != nil {
			return err
		}
		start := time.Now()
		ok, out := suites.run(dir, timeout)
		r := result{m: m, took: time.Since(start)}
		switch {
		case ok:
			r.verdict = "SURVIVED"
		case !bytes.Contains(out, []byte("--- FAIL")):
			r.verdict, r.by = "BROKEN", firstLine(out) // did not build, or a timeout: not a verdict
		default:
			r.verdict, r.by, r.all = "caught", failingTest(out), failedSuites(out)
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			return err
		}
		fmt.Printf("%-8s %-50s %6s  %s\n", r.verdict, m.Name, r.took.Round(time.Second), r.by)
		results = append(results, r)
	}

	fmt.Printf("\n| mutant | file | result | first failing test | suites that failed |\n|---|---|---|---|---|\n")
	failed := 0
	for _, r := range results {
		fmt.Printf("| %s | `%s` | %s | %s | %s |\n", r.m.Name, r.m.File, r.verdict, r.by, r.all)
		if r.verdict != "caught" {
			failed++
		}
	}
	fmt.Printf("\n%d of %d mutants caught by the conformance and HTTP suites\n", len(results)-failed, len(results))
	if failed > 0 {
		return fmt.Errorf("%d mutants survived or did not build", failed)
	}
	return nil
}

// suiteSet is the tests that run the shared suites, by package.
type suiteSet map[string][]string // package dir → test names

func (s suiteSet) String() string {
	var parts []string
	for _, dir := range s.dirs() {
		parts = append(parts, dir+" ("+strings.Join(s[dir], ", ")+")")
	}
	return strings.Join(parts, "; ")
}

func (s suiteSet) dirs() []string {
	var dirs []string
	for d := range s {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	return dirs
}

// run runs the suites in the copy at dir and reports whether they passed.
func (s suiteSet) run(dir string, timeout time.Duration) (bool, []byte) {
	var names, pkgs []string
	for _, d := range s.dirs() {
		pkgs = append(pkgs, "./"+d)
		names = append(names, s[d]...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"test", "-count=1", "-failfast", "-timeout", timeout.String(), "-run", "^(" + strings.Join(names, "|") + ")$"}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true") // a skipped PostGIS suite is a failure, not a pass
	out, err := cmd.CombinedOutput()
	return err == nil, out
}

// findSuites returns the tests whose body calls storetest.Run… or
// servertest.Run…: the shared suites, wherever a store runs them.
func findSuites(root string) (suiteSet, error) {
	s := suiteSet{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Body == nil {
				continue
			}
			calls := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "storetest" || x.Name == "servertest") && strings.HasPrefix(sel.Sel.Name, "Run") {
						calls = true
					}
				}
				return !calls
			})
			if calls {
				s[rel] = append(s[rel], fn.Name.Name)
			}
		}
		return nil
	})
	if err == nil && len(s) == 0 {
		err = errors.New("found no test that runs storetest or servertest")
	}
	return s, err
}

// copyTree copies the working tree as git sees it (tracked and untracked,
// not ignored files) from root to dir.
func copyTree(root, dir string) error {
	out, err := gitOutput(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		return err
	}
	for _, name := range strings.Split(out, "\x00") {
		if name == "" {
			continue
		}
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// failedSuites lists, per package, the top-level tests that failed:
// "internal/store/memory: TestConformance; internal/store/postgis: ...".
// It shows whether the embedded store's run alone caught a mutant.
func failedSuites(out []byte) string {
	var parts, tests []string
	for _, line := range strings.Split(string(out), "\n") {
		if m := topFail.FindStringSubmatch(line); m != nil && !slices.Contains(tests, m[1]) {
			tests = append(tests, m[1])
		}
		if m := failPkg.FindStringSubmatch(line); m != nil {
			if len(tests) > 0 {
				parts = append(parts, strings.TrimPrefix(m[1], "github.com/serasi/serasi/")+": "+strings.Join(tests, ", "))
			}
			tests = nil
		}
	}
	return strings.Join(parts, "; ")
}

var (
	topFail  = regexp.MustCompile(`^--- FAIL: ([^/\s]+) `)
	failLine = regexp.MustCompile(`--- FAIL: (\S+)`)
	failPkg  = regexp.MustCompile(`(?m)^FAIL\t(\S+)`)
)

// failingTest names the most specific of the first failing tests, with its
// package (go test prints a package's FAIL line after its tests' output).
func failingTest(out []byte) string {
	best, end := "", 0
	for i, m := range failLine.FindAllSubmatchIndex(out, 6) {
		name := string(out[m[2]:m[3]])
		if i == 0 {
			end = m[1]
		}
		if i == 0 || len(name) > len(best) && !bytes.Contains(out[end:m[0]], []byte("\nFAIL")) {
			best = name
		}
	}
	if m := failPkg.FindSubmatch(out[end:]); m != nil {
		return strings.TrimPrefix(string(m[1]), "github.com/serasi/serasi/") + " " + best
	}
	return best
}

func firstLine(out []byte) string {
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
