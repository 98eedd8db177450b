package importer

import (
	"fmt"
	"strings"
	"unicode"
)

// Layer names what a file holds.
type Layer string

const (
	Projects   Layer = "projects"
	Forums     Layer = "forums"
	Activities Layer = "activities"
)

// Layers lists the layers that can be imported, exported and templated.
var Layers = []Layer{Projects, Forums, Activities}

// ParseLayer reads a layer name (also Indonesian: proyek, forum, kegiatan).
func ParseLayer(s string) (Layer, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "projects", "project", "proyek":
		return Projects, nil
	case "forums", "forum":
		return Forums, nil
	case "activities", "activity", "kegiatan":
		return Activities, nil
	}
	return "", fmt.Errorf("unknown layer %q (projects, forums or activities)", s)
}

// Title is the Indonesian name of the layer, for sheet names and pages.
func (l Layer) Title() string {
	switch l {
	case Projects:
		return "Proyek"
	case Forums:
		return "Forum"
	case Activities:
		return "Kegiatan"
	}
	return string(l)
}

// Column is one column of a layer's sheets: its Indonesian header (as
// templates and exports write it), the other names an import accepts, and
// the store field its errors name.
type Column struct {
	Key     string   // the Indonesian header, also the key of a parsed row
	Aliases []string // other accepted headers (English, store field names)
	Field   string   // the store's field name ("title"), "" for none
	// Required columns must be in the header row (lintang/bujur count as
	// present when geometri is, and the other way round).
	Required bool
	// Info columns are written by exports to help the reader and ignored
	// on import (they are derived from other columns).
	Info bool
	Hint string // how to fill it, for the template's instruction sheet
}

// Column keys shared by several layers.
const (
	colID          = "kode"
	colTitle       = "judul"
	colName        = "nama"
	colKind        = "jenis"
	colYear        = "tahun"
	colBudget      = "anggaran"
	colStatus      = "status"
	colKelurahan   = "kelurahan"
	colKelName     = "nama kelurahan"
	colForum       = "forum"
	colStart       = "tanggal mulai"
	colFinish      = "tanggal selesai"
	colBenef       = "penerima manfaat"
	colDescription = "keterangan"
	colLat         = "lintang"
	colLon         = "bujur"
	colGeometry    = "geometri"
	colVersion     = "versi"
	colYearFormed  = "tahun dibentuk"
	colMembers     = "jumlah anggota"
	colDate        = "tanggal"
	colPeople      = "peserta"
)

var (
	idCol = Column{Key: colID, Aliases: []string{"id", "kode proyek", "kode forum", "kode kegiatan", "code"}, Field: "id", Required: true,
		Hint: "Kode unik baris ini, huruf kecil, angka dan '-' (mis. prj-2024-001). Mengimpor ulang baris dengan kode yang sama memperbarui data itu."}
	latCol = Column{Key: colLat, Aliases: []string{"lat", "latitude", "y"}, Field: "geometry",
		Hint: "Lintang WGS 84 dalam derajat desimal, negatif di selatan khatulistiwa (Baubau sekitar -5,46). Titik atau koma desimal."}
	lonCol = Column{Key: colLon, Aliases: []string{"lon", "lng", "long", "longitude", "x"}, Field: "geometry",
		Hint: "Bujur WGS 84 dalam derajat desimal (Baubau sekitar 122,61)."}
	geomCol = Column{Key: colGeometry, Aliases: []string{"geometry", "geom", "wkt", "geojson"}, Field: "geometry",
		Hint: "Untuk garis atau poligon: WKT (LINESTRING (122.60 -5.45, 122.61 -5.46)) atau GeoJSON. Kosongkan bila lintang/bujur diisi."}
	descCol = Column{Key: colDescription, Aliases: []string{"description", "deskripsi", "catatan"}, Field: "description",
		Hint: "Keterangan bebas, paling banyak 5.000 karakter."}
	versionCol = Column{Key: colVersion, Aliases: []string{"version"}, Info: true, Hint: "Diisi oleh ekspor; diabaikan saat impor."}
	kelNameCol = Column{Key: colKelName, Aliases: []string{"kelurahan name"}, Info: true, Hint: "Diisi oleh ekspor; diabaikan saat impor."}
)

// Columns returns the columns of a layer in the order templates and
// exports write them.
func Columns(l Layer) []Column {
	switch l {
	case Projects:
		return []Column{
			idCol,
			{Key: colTitle, Aliases: []string{"title", "nama proyek"}, Field: "title", Required: true, Hint: "Judul proyek, 1–200 karakter."},
			{Key: colKind, Aliases: []string{"kind", "jenis proyek"}, Field: "kind", Required: true, Hint: "Pilih dari daftar (nama Indonesia atau kode, mis. Jalan lingkungan atau VILLAGE_ROAD)."},
			{Key: colYear, Aliases: []string{"year", "tahun anggaran"}, Field: "year", Required: true, Hint: "Tahun anggaran, 2015 sampai tahun depan."},
			{Key: colBudget, Aliases: []string{"budget", "budgetrupiah", "anggaran rp", "nilai"}, Field: "budgetRupiah", Hint: "Anggaran dalam rupiah: 1500000, 1.500.000 atau Rp 1.500.000,00."},
			{Key: colStatus, Aliases: []string{"status proyek"}, Field: "status", Required: true, Hint: "Pilih dari daftar (Direncanakan, Sedang dikerjakan, Selesai, Dibatalkan)."},
			{Key: colKelurahan, Aliases: []string{"kelurahancode", "kode kelurahan", "desa"}, Field: "kelurahanCode", Hint: "Boleh kosong: ditentukan dari lokasi. Bila diisi (kode atau nama), harus sama dengan kelurahan di titik pertama."},
			kelNameCol,
			{Key: colForum, Aliases: []string{"forumid", "kode forum", "fks"}, Field: "forumId", Hint: "Kode FKS yang terkait (mis. fks-2015-wale); boleh kosong."},
			{Key: colStart, Aliases: []string{"startdate", "start date", "mulai"}, Field: "startDate", Hint: "Tanggal mulai: 2024-03-01 atau 01/03/2024; boleh kosong."},
			{Key: colFinish, Aliases: []string{"finishdate", "finish date", "selesai", "end date"}, Field: "finishDate", Hint: "Tanggal selesai, tidak sebelum tanggal mulai; boleh kosong."},
			{Key: colBenef, Aliases: []string{"beneficiaries", "jumlah penerima manfaat"}, Field: "beneficiaries", Hint: "Jumlah orang penerima manfaat."},
			descCol, latCol, lonCol, geomCol, versionCol,
		}
	case Forums:
		return []Column{
			idCol,
			{Key: colName, Aliases: []string{"name", "nama forum"}, Field: "name", Required: true, Hint: "Nama forum, mis. FKS Kelurahan Wale."},
			{Key: colKelurahan, Aliases: []string{"kelurahancodes", "kode kelurahan", "kelurahan dilayani"}, Field: "kelurahanCodes", Required: true, Hint: "Kelurahan yang dilayani (kode atau nama), dipisah '|' bila lebih dari satu; sekretariat ada di yang pertama."},
			kelNameCol,
			{Key: colYearFormed, Aliases: []string{"yearformed", "year formed", "tahun"}, Field: "yearFormed", Required: true, Hint: "Tahun forum dibentuk, 2015 sampai tahun depan."},
			{Key: colStatus, Aliases: []string{"status forum"}, Field: "status", Required: true, Hint: "Aktif atau Tidak aktif."},
			{Key: colMembers, Aliases: []string{"membercount", "members", "anggota"}, Field: "memberCount", Hint: "Jumlah anggota."},
			descCol,
			withHint(latCol, "Lintang sekretariat (derajat desimal, mis. -5,4560)."),
			withHint(lonCol, "Bujur sekretariat (mis. 122,6077)."),
			withHint(geomCol, "Atau titik sekretariat sebagai WKT/GeoJSON (POINT (122.6077 -5.456))."),
			versionCol,
		}
	case Activities:
		return []Column{
			idCol,
			{Key: colTitle, Aliases: []string{"title", "nama kegiatan"}, Field: "title", Required: true, Hint: "Judul kegiatan, 1–200 karakter."},
			{Key: colForum, Aliases: []string{"forumid", "kode forum", "fks"}, Field: "forumId", Required: true, Hint: "Kode FKS penyelenggara (mis. fks-2015-wale)."},
			{Key: colKind, Aliases: []string{"kind", "jenis kegiatan"}, Field: "kind", Required: true, Hint: "Pilih dari daftar (Dialog, Sosialisasi, Pelatihan, ...)."},
			{Key: colDate, Aliases: []string{"date", "tanggal kegiatan"}, Field: "date", Required: true, Hint: "Tanggal kegiatan: 2024-03-01 atau 01/03/2024."},
			{Key: colPeople, Aliases: []string{"participants", "jumlah peserta"}, Field: "participants", Hint: "Jumlah peserta."},
			{Key: colKelurahan, Aliases: []string{"kelurahancode", "kode kelurahan"}, Field: "kelurahanCode", Hint: "Boleh kosong: dari lokasi, atau kelurahan pertama forum."},
			kelNameCol,
			descCol,
			withHint(latCol, "Lintang lokasi kegiatan; boleh kosong."),
			withHint(lonCol, "Bujur lokasi kegiatan; boleh kosong."),
			withHint(geomCol, "Atau lokasi sebagai WKT/GeoJSON titik; boleh kosong."),
			versionCol,
		}
	}
	return nil
}

func withHint(c Column, hint string) Column { c.Hint = hint; return c }

// normHeader folds a header for matching: lower case, letters and digits
// only ("Tanggal  Mulai", "tanggal_mulai" and "TanggalMulai" are one).
func normHeader(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columnIndex maps folded headers to column keys.
func columnIndex(cols []Column) map[string]string {
	m := map[string]string{}
	for _, c := range cols {
		m[normHeader(c.Key)] = c.Key
		for _, a := range c.Aliases {
			if _, taken := m[normHeader(a)]; !taken {
				m[normHeader(a)] = c.Key
			}
		}
	}
	return m
}

// ExpectedHeaders lists the Indonesian headers a layer's import reads.
func ExpectedHeaders(l Layer) []string {
	var out []string
	for _, c := range Columns(l) {
		if !c.Info {
			out = append(out, c.Key)
		}
	}
	return out
}
