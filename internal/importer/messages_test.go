package importer

import "testing"

func TestTranslate(t *testing.T) {
	for in, want := range map[string]string{
		"must be between 2015 and 2027": "harus antara 2015 dan 2027",
		"must not be empty":             "wajib diisi",
		`forum "fks-x" does not exist`:  `forum "fks-x" tidak ada: tulis kode FKS yang sudah terdaftar, atau impor forumnya dulu`,
		"is 74.72.03.1002, but the geometry lies in Kaisabu Baru (74.72.03.1001)":    "berisi 74.72.03.1002, tetapi lokasinya di Kaisabu Baru (74.72.03.1001): kosongkan kolom ini atau periksa koordinat",
		"lies outside every kelurahan: none covers its first position [106.8, -6.2]": "berada di luar semua kelurahan: titik [106.8, -6.2] tidak masuk kelurahan mana pun",
		"reaches outside the box of all kelurahan":                                   "sebagian keluar dari wilayah semua kelurahan",
		"something new": "something new",
	} {
		if got := translate(in); got != want {
			t.Errorf("translate(%q) = %q, want %q", in, got, want)
		}
	}
}
