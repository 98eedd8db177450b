package boundaries

// names are the Kemendagri names (Kepmendagri 100.1.1-6117/2022) of the
// areas the wilayah_boundaries source has children for but no record of
// its own, so no name: 7 provinsi, 7 kabupaten/kota and 2 kecamatan. A
// derived area missing here is named by its code and reported.
var names = map[string]string{
	"21": "Kepulauan Riau",
	"53": "Nusa Tenggara Timur",
	"72": "Sulawesi Tengah",
	"81": "Maluku",
	"82": "Maluku Utara",
	"92": "Papua Barat",
	"96": "Papua Barat Daya",

	"21.04": "Kabupaten Lingga",
	"21.71": "Kota Batam",
	"72.11": "Kabupaten Banggai Laut",
	"81.07": "Kabupaten Kepulauan Aru",
	"82.04": "Kabupaten Halmahera Selatan",
	"92.08": "Kabupaten Kaimana",
	"96.03": "Kabupaten Raja Ampat",

	"72.11.03": "Bokan Kepulauan",
	"96.03.06": "Misool Timur",
}
