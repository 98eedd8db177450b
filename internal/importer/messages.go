package importer

import (
	"regexp"
	"strings"
)

// The stores' checks speak English (they serve the GraphQL API too); the
// report is for Dinas Sosial staff. These are the messages an import can
// meet, in the words of the report; anything else is shown as it is.
var translations = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^must not be empty$`), "wajib diisi"},
	{regexp.MustCompile(`^must be between (\S+) and (\S+)$`), "harus antara $1 dan $2"},
	{regexp.MustCompile(`^must be at most (\d+) characters \(it has (\d+)\)$`), "paling banyak $1 karakter (ada $2): persingkat"},
	{regexp.MustCompile(`^must not contain control characters \((.+)\)$`), "tidak boleh berisi karakter kontrol ($1)"},
	{regexp.MustCompile(`^must be valid UTF-8$`), "bukan teks UTF-8 yang sah"},
	{regexp.MustCompile(`^a (\S+) project needs a LineString geometry, not a (\S+)$`), "proyek jenis $1 berupa garis: isi geometri sebagai WKT, mis. LINESTRING (122.6070 -5.4560, 122.6080 -5.4565), bukan $2"},
	{regexp.MustCompile(`^a (\S+) project needs a Polygon geometry, not a (\S+)$`), "proyek jenis $1 berupa area: isi geometri sebagai WKT, mis. POLYGON ((122.6070 -5.4560, 122.6075 -5.4560, 122.6075 -5.4565, 122.6070 -5.4560)), bukan $2"},
	{regexp.MustCompile(`^a (\S+) project needs a Point geometry, not a (\S+)$`), "proyek jenis $1 berupa titik: isi lintang dan bujur, bukan $2"},
	{regexp.MustCompile(`^lies outside every kelurahan: none covers its first position \[(\S+), (\S+)\]$`), "berada di luar semua kelurahan: titik [$1, $2] tidak masuk kelurahan mana pun"},
	{regexp.MustCompile(`^reaches outside the box of all kelurahan$`), "sebagian keluar dari wilayah semua kelurahan"},
	{regexp.MustCompile(`^forum "(.+)" does not exist$`), `forum "$1" tidak ada: tulis kode FKS yang sudah terdaftar, atau impor forumnya dulu`},
	{regexp.MustCompile(`^must not be before forum (\S+) was formed \((\d+)\)$`), "tidak boleh sebelum forum $1 dibentuk ($2)"},
	{regexp.MustCompile(`^is (\S+), but the (\S+) lies in (.+) \((\S+)\)$`), "berisi $1, tetapi lokasinya di $3 ($4): kosongkan kolom ini atau periksa koordinat"},
	{regexp.MustCompile(`^needs a startDate$`), "perlu tanggal mulai"},
	{regexp.MustCompile(`^must not be before startDate$`), "tidak boleh sebelum tanggal mulai"},
	{regexp.MustCompile(`^must lie inside the first kelurahan, (.+) \((\S+)\)$`), "sekretariat harus di dalam kelurahan pertama, $1 ($2)"},
	{regexp.MustCompile(`^must be the forum's first kelurahan, (\S+), when there is no location$`), "harus kelurahan pertama forum, $1, bila lokasi kosong"},
	{regexp.MustCompile(`^must name at least one kelurahan$`), "isi sedikitnya satu kelurahan"},
	{regexp.MustCompile(`^repeats kelurahanCodes\[(\d+)\]$`), "kelurahan yang sama ditulis dua kali"},
}

// translate returns the report's words for a store message.
func translate(msg string) string {
	for _, t := range translations {
		if t.re.MatchString(msg) {
			return t.re.ReplaceAllString(msg, t.id)
		}
	}
	return msg
}

// outsideCity reports whether a store message says a geometry is outside
// every kelurahan, for the hint on where the city is.
func outsideCity(msg string) bool {
	return strings.HasPrefix(msg, "lies outside every kelurahan") || strings.HasPrefix(msg, "reaches outside the box of all kelurahan")
}
