package boundaries

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/domain"
)

// The binary form of a Set, what the embedded store keeps in its data
// directory: decoding it is a copy of numbers, with no JSON to parse, no
// validation to redo (Read did it) and no area to recompute, so a national
// set loads in a fraction of the time Read takes.
//
// Layout: magic, version, then per level (provinsi, kabupaten/kota,
// kecamatan, kelurahan) a count and the records; strings and counts are
// uvarints, numbers little-endian float64, each geometry a type byte then
// parts, rings and positions; after each record its generalised
// geometries (a byte per band: 0 = the record's own geometry, 1 = a
// geometry follows). A CRC-32C of all that ends the file.
const (
	formatMagic   = "SERASIBD"
	formatVersion = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrFormat is returned by Decode for data that is not a set it wrote.
var ErrFormat = errors.New("boundaries: not a boundary file of this version")

// Encode writes s in the binary form (the Report is not kept).
func Encode(w io.Writer, s *Set) error {
	crc := crc32.New(crcTable)
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20)
	e := &encoder{w: bw}
	e.raw([]byte(formatMagic))
	e.uvarint(formatVersion)

	e.uvarint(uint64(len(s.Provinsis)))
	for i, p := range s.Provinsis {
		e.header(p.Code, p.Name, p.Derived, p.AreaSqM, p.Bound)
		e.geometry(p.Geometry)
		e.generalised(p.Geometry, bandsAt(s.Generalised.Provinsis, i))
	}
	e.uvarint(uint64(len(s.KabupatenKotas)))
	for i, k := range s.KabupatenKotas {
		e.header(k.Code, k.Name, k.Derived, k.AreaSqM, k.Bound)
		e.geometry(k.Geometry)
		e.generalised(k.Geometry, bandsAt(s.Generalised.KabupatenKotas, i))
	}
	e.uvarint(uint64(len(s.Kecamatans)))
	for i, k := range s.Kecamatans {
		e.header(k.Code, k.Name, false, k.AreaSqM, k.Bound)
		e.geometry(k.Geometry)
		e.generalised(k.Geometry, bandsAt(s.Generalised.Kecamatans, i))
	}
	e.uvarint(uint64(len(s.Kelurahans)))
	for i, k := range s.Kelurahans {
		e.header(k.Code, k.Name, false, k.AreaSqM, k.Bound)
		e.float(k.Centroid[0])
		e.float(k.Centroid[1])
		e.geometry(k.Geometry)
		e.generalised(k.Geometry, bandsAt(s.Generalised.Kelurahans, i))
	}
	if e.err != nil {
		return fmt.Errorf("boundaries: encode: %w", e.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("boundaries: encode: %w", err)
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("boundaries: encode: %w", err)
	}
	return nil
}

func bandsAt(g [][]orb.Geometry, i int) []orb.Geometry {
	if i < len(g) {
		return g[i]
	}
	return nil
}

type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
	err error
}

func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) uvarint(v uint64) { e.raw(e.buf[:binary.PutUvarint(e.buf[:], v)]) }

func (e *encoder) float(f float64) {
	binary.LittleEndian.PutUint64(e.buf[:8], math.Float64bits(f))
	e.raw(e.buf[:8])
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.raw([]byte(s))
}

func (e *encoder) header(code, name string, derived bool, area float64, b orb.Bound) {
	e.str(code)
	e.str(name)
	if derived {
		e.raw([]byte{1})
	} else {
		e.raw([]byte{0})
	}
	e.float(area)
	for _, f := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		e.float(f)
	}
}

func (e *encoder) geometry(g orb.Geometry) {
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		e.raw([]byte{1})
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		e.raw([]byte{2})
		e.uvarint(uint64(len(g)))
		polys = g
	default:
		if e.err == nil {
			e.err = fmt.Errorf("geometry %T is not polygonal", g)
		}
		return
	}
	for _, p := range polys {
		e.uvarint(uint64(len(p)))
		for _, r := range p {
			e.uvarint(uint64(len(r)))
			for _, pt := range r {
				e.float(pt[0])
				e.float(pt[1])
			}
		}
	}
}

func (e *encoder) generalised(own orb.Geometry, bands []orb.Geometry) {
	e.uvarint(uint64(len(bands)))
	for _, b := range bands {
		if orb.Equal(b, own) {
			e.raw([]byte{0})
			continue
		}
		e.raw([]byte{1})
		e.geometry(b)
	}
}

// Decode reads a set that Encode wrote. Generalised is filled when the
// file has generalised geometries; a band equal to the record's geometry
// shares it.
func Decode(data []byte) (*Set, error) {
	if len(data) < len(formatMagic)+4 || !bytes.HasPrefix(data, []byte(formatMagic)) {
		return nil, ErrFormat
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errors.New("boundaries: the boundary file is damaged (checksum mismatch)")
	}
	d := &decoder{b: body[len(formatMagic):]}
	if v := d.uvarint(); v != formatVersion {
		return nil, fmt.Errorf("%w (version %d, want %d)", ErrFormat, v, formatVersion)
	}
	s := &Set{}
	n := d.count()
	s.Provinsis = make([]domain.Provinsi, n)
	for i := range s.Provinsis {
		p := &s.Provinsis[i]
		p.Code, p.Name, p.Derived, p.AreaSqM, p.Bound = d.header()
		p.Geometry = d.geometry()
		d.generalised(&s.Generalised.Provinsis, i, n, p.Geometry)
	}
	n = d.count()
	s.KabupatenKotas = make([]domain.KabupatenKota, n)
	for i := range s.KabupatenKotas {
		k := &s.KabupatenKotas[i]
		k.Code, k.Name, k.Derived, k.AreaSqM, k.Bound = d.header()
		k.ProvinsiCode, k.Kind = domain.ProvinsiCodeOf(k.Code), domain.KindOfCode(k.Code)
		k.Geometry = d.geometry()
		d.generalised(&s.Generalised.KabupatenKotas, i, n, k.Geometry)
	}
	n = d.count()
	s.Kecamatans = make([]domain.Kecamatan, n)
	for i := range s.Kecamatans {
		k := &s.Kecamatans[i]
		k.Code, k.Name, _, k.AreaSqM, k.Bound = d.header()
		k.KabupatenKotaCode = domain.KabupatenKotaCodeOf(k.Code)
		k.Geometry = d.geometry()
		d.generalised(&s.Generalised.Kecamatans, i, n, k.Geometry)
	}
	n = d.count()
	s.Kelurahans = make([]domain.Kelurahan, n)
	for i := range s.Kelurahans {
		k := &s.Kelurahans[i]
		k.Code, k.Name, _, k.AreaSqM, k.Bound = d.header()
		k.KecamatanCode, k.Jenis = domain.KecamatanCodeOf(k.Code), domain.JenisOfCode(k.Code)
		k.Centroid = orb.Point{d.float(), d.float()}
		k.Geometry = d.geometry()
		d.generalised(&s.Generalised.Kelurahans, i, n, k.Geometry)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return nil, fmt.Errorf("boundaries: decode: %w", d.err)
	}
	return s, nil
}

type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("unexpected end of data")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a count that must fit in what is left (each item takes at
// least a byte), so damaged data cannot ask for a huge allocation.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.fail(errShort)
		return 0
	}
	return int(v)
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail(errShort)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail(errShort)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return f
}

func (d *decoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) header() (code, name string, derived bool, area float64, b orb.Bound) {
	code, name = d.str(), d.str()
	derived = d.byte() == 1
	area = d.float()
	b = orb.Bound{Min: orb.Point{d.float(), d.float()}, Max: orb.Point{d.float(), d.float()}}
	return
}

// geometry reads a Polygon or MultiPolygon.
func (d *decoder) geometry() orb.Geometry {
	kind := d.byte()
	parts := 1
	if kind == 2 {
		parts = d.count()
	} else if kind != 1 {
		d.fail(fmt.Errorf("geometry type %d", kind))
		return nil
	}
	mp := make(orb.MultiPolygon, parts)
	for i := range mp {
		rings := d.count()
		p := make(orb.Polygon, rings)
		for j := range p {
			n := d.count()
			if d.err != nil || 16*n > len(d.b) {
				d.fail(errShort)
				return nil
			}
			r := make(orb.Ring, n)
			for k := range r {
				r[k] = orb.Point{
					math.Float64frombits(binary.LittleEndian.Uint64(d.b[16*k:])),
					math.Float64frombits(binary.LittleEndian.Uint64(d.b[16*k+8:])),
				}
			}
			d.b = d.b[16*n:]
			p[j] = r
		}
		mp[i] = p
	}
	if kind == 1 {
		if len(mp) == 0 {
			return nil
		}
		return mp[0]
	}
	return mp
}

func (d *decoder) generalised(dst *[][]orb.Geometry, i, n int, own orb.Geometry) {
	bands := d.count()
	if bands == 0 {
		return
	}
	if *dst == nil {
		*dst = make([][]orb.Geometry, n)
	}
	out := make([]orb.Geometry, bands)
	for j := range out {
		if d.byte() == 0 {
			out[j] = own
		} else {
			out[j] = d.geometry()
		}
	}
	(*dst)[i] = out
}
