package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"

	"github.com/serasi/serasi/internal/domain"
)

// API tokens look like "srs_tok" + 8 base32 characters (the token id) + "_"
// + 64 hex digits (32 random bytes, the secret). The id lets a store find
// the token without searching by secret; only SHA-256 of the whole token is
// kept, and compared in constant time. A 256-bit random secret needs no
// slow password hash: nobody can guess it, whatever the hash speed.
const (
	tokenPrefix    = "srs_"
	tokenIDPrefix  = "tok"
	tokenIDLength  = len(tokenIDPrefix) + 8
	tokenSecretLen = 64
	tokenLength    = len(tokenPrefix) + tokenIDLength + 1 + tokenSecretLen
)

// NewToken returns a new token's id, its plaintext (shown to its owner
// once) and the hash to store.
func NewToken() (id, plaintext string, hash []byte) {
	idBytes := make([]byte, 5)
	secret := make([]byte, 32)
	_, _ = rand.Read(idBytes) // crypto/rand.Read never fails (Go 1.24+)
	_, _ = rand.Read(secret)
	id = tokenIDPrefix + idEncoding.EncodeToString(idBytes)
	plaintext = tokenPrefix + id + "_" + hex.EncodeToString(secret)
	return id, plaintext, HashToken(plaintext)
}

// HashToken returns the SHA-256 of a token's plaintext.
func HashToken(plaintext string) []byte {
	h := sha256.Sum256([]byte(plaintext))
	return h[:]
}

// ParseToken returns the id in a token's plaintext and the hash to compare
// with the stored one; ok is false for anything that is not a token.
func ParseToken(plaintext string) (id string, hash []byte, ok bool) {
	if len(plaintext) != tokenLength || !strings.HasPrefix(plaintext, tokenPrefix) {
		return "", nil, false
	}
	rest := plaintext[len(tokenPrefix):]
	id, secret := rest[:tokenIDLength], rest[tokenIDLength:]
	if !strings.HasPrefix(id, tokenIDPrefix) || secret[0] != '_' {
		return "", nil, false
	}
	if _, err := idEncoding.DecodeString(id[len(tokenIDPrefix):]); err != nil {
		return "", nil, false
	}
	if _, err := hex.DecodeString(secret[1:]); err != nil {
		return "", nil, false
	}
	return id, HashToken(plaintext), true
}

// TokenHashEqual compares two token hashes in constant time, so that the
// time an answer takes tells nothing about how much of a guess was right.
func TokenHashEqual(stored, presented []byte) bool {
	return subtle.ConstantTimeCompare(stored, presented) == 1
}

// Unauthenticated is the one answer to every failed token check: it does
// not say whether the token was malformed, unknown or revoked.
func Unauthenticated() error {
	return domain.Errorf(domain.EUNAUTHENTICATED, "the token is not valid")
}
