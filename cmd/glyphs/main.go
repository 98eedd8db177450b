// Command glyphs renders a TrueType font into the signed-distance-field
// glyph ranges ("0-255.pbf") that MapLibre GL JS draws text labels with, so
// that the map page labels kelurahan without a glyph server: the ranges are
// committed under web/src/map/glyphs and bundled by web/build.mjs.
//
//	go run ./cmd/glyphs -font web/node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf \
//	    -name DejaVuSans-Bold -out web/src/map/glyphs
//
// The output follows node-fontnik's: glyphs drawn at 24 px with a 3 px
// border, distances over a radius of 8 px, the edge at 192/255.
package main

import (
	"flag"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

const (
	size   = 24   // px: the size MapLibre's glyph ranges are drawn at
	border = 3    // px of bitmap around each glyph (GLYPH_PBF_BORDER)
	radius = 8.0  // px over which distances are encoded
	cutoff = 0.25 // where the edge sits in the 0..1 range: 255·(1−cutoff) ≈ 192
	// ascent shifts tops from the baseline to node-fontnik's origin above
	// the em box, so that labels sit where MapLibre expects them.
	ascent = 24
)

func main() {
	fontPath := flag.String("font", "", "TrueType font file")
	name := flag.String("name", "", "font stack name (the style's text-font)")
	out := flag.String("out", "", "output directory; writes <out>/<name>/<start>-<end>.pbf")
	ranges := flag.String("ranges", "0-255", "comma-separated ranges of 256 code points to write, e.g. 0-255,256-511")
	flag.Parse()
	if *fontPath == "" || *name == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*fontPath, *name, *out, *ranges); err != nil {
		fmt.Fprintln(os.Stderr, "glyphs:", err)
		os.Exit(1)
	}
}

func run(fontPath, name, out, ranges string) error {
	data, err := os.ReadFile(fontPath)
	if err != nil {
		return err
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", fontPath, err)
	}
	dir := filepath.Join(out, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, r := range strings.Split(ranges, ",") {
		lo, hi, ok := strings.Cut(strings.TrimSpace(r), "-")
		start, err1 := strconv.Atoi(lo)
		end, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || start%256 != 0 || end != start+255 {
			return fmt.Errorf("range %q: want N-(N+255) with N a multiple of 256", r)
		}
		pbf, n, err := renderRange(f, name, start, end)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, fmt.Sprintf("%d-%d.pbf", start, end))
		if err := os.WriteFile(path, pbf, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d glyphs, %d bytes\n", path, n, len(pbf))
	}
	return nil
}

// renderRange encodes the glyphs message of one range: fontstack{name=1,
// range=2, glyphs=3{id=1, bitmap=2, width=3, height=4, left=5, top=6,
// advance=7}}.
func renderRange(f *sfnt.Font, name string, start, end int) ([]byte, int, error) {
	var buf sfnt.Buffer
	stack := appendString(nil, 1, name)
	stack = appendString(stack, 2, fmt.Sprintf("%d-%d", start, end))
	n := 0
	for r := start; r <= end; r++ {
		idx, err := f.GlyphIndex(&buf, rune(r))
		if err != nil || idx == 0 {
			continue
		}
		g, err := renderGlyph(f, &buf, idx)
		if err != nil {
			return nil, 0, fmt.Errorf("U+%04X: %w", r, err)
		}
		var m []byte
		m = appendVarintField(m, 1, uint64(r))
		if len(g.bitmap) > 0 {
			m = appendBytes(m, 2, g.bitmap)
		}
		m = appendVarintField(m, 3, uint64(g.width))
		m = appendVarintField(m, 4, uint64(g.height))
		m = appendVarintField(m, 5, zigzag(g.left))
		m = appendVarintField(m, 6, zigzag(g.top))
		m = appendVarintField(m, 7, uint64(g.advance))
		stack = appendBytes(stack, 3, m)
		n++
	}
	return appendBytes(nil, 1, stack), n, nil
}

type glyph struct {
	bitmap             []byte
	width, height      int
	left, top, advance int
}

func renderGlyph(f *sfnt.Font, buf *sfnt.Buffer, idx sfnt.GlyphIndex) (glyph, error) {
	ppem := fixed.I(size)
	adv, err := f.GlyphAdvance(buf, idx, ppem, font.HintingNone)
	if err != nil {
		return glyph{}, err
	}
	segs, err := f.LoadGlyph(buf, idx, ppem, nil)
	if err != nil {
		return glyph{}, err
	}
	g := glyph{advance: int(math.Round(float64(adv) / 64))}
	if len(segs) == 0 {
		return g, nil // a space: only the advance
	}
	b := segs.Bounds() // y grows downwards, the baseline at 0
	minX, minY := b.Min.X.Floor(), b.Min.Y.Floor()
	maxX, maxY := b.Max.X.Ceil(), b.Max.Y.Ceil()
	g.width, g.height = maxX-minX, maxY-minY
	g.left = minX
	g.top = -minY - ascent
	// Coverage of the glyph, with the border and room for the distances.
	w, h := g.width+2*border, g.height+2*border
	ras := vector.NewRasterizer(w, h)
	ras.DrawOp = 0 // draw.Src
	ox, oy := float32(border-minX), float32(border-minY)
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)/64 + ox, float32(p.Y)/64 + oy
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			ras.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			ras.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			ras.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			ras.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	ras.ClosePath()
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	g.bitmap = sdf(mask, w, h)
	return g, nil
}

// sdf turns coverage into signed distances (outside positive), by brute
// force over the pixels within reach: glyphs are a few hundred pixels.
func sdf(mask *image.Alpha, w, h int) []byte {
	inside := func(x, y int) bool { return mask.Pix[y*mask.Stride+x] >= 128 }
	reach := int(radius) + 1
	out := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			in := inside(x, y)
			best := math.Inf(1)
			for dy := -reach; dy <= reach; dy++ {
				for dx := -reach; dx <= reach; dx++ {
					xx, yy := x+dx, y+dy
					opposite := !in // outside the bitmap counts as outside
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						opposite = inside(xx, yy) != in
					}
					if opposite {
						best = math.Min(best, math.Hypot(float64(dx), float64(dy)))
					}
				}
			}
			// The edge lies half a pixel between a pixel and its opposite.
			d := math.Min(best, radius+1) - 0.5
			if in {
				d = -d
			}
			v := 255 - 255*(d/radius+cutoff)
			out[y*w+x] = byte(math.Max(0, math.Min(255, math.Round(v))))
		}
	}
	return out
}

func zigzag(v int) uint64 { return uint64((int64(v) << 1) ^ (int64(v) >> 63)) }

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	return appendVarint(appendVarint(b, uint64(field)<<3), v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = appendVarint(b, uint64(field)<<3|2)
	b = appendVarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendString(b []byte, field int, s string) []byte { return appendBytes(b, field, []byte(s)) }
