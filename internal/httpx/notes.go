package httpx

import "net/http"

// Noter is implemented by a ResponseWriter that observes responses (the
// server's access log and metrics): what an endpoint tells it about a
// request it cannot see in the status alone.
type Noter interface {
	// NoteErrorCode records an extensions.code the response carries.
	NoteErrorCode(code string)
	// NoteOperation records the GraphQL operation name ("" anonymous).
	NoteOperation(name string)
}

// noter finds the Noter under w's wrappers (those with Unwrap, as
// http.ResponseController follows them).
func noter(w http.ResponseWriter) Noter {
	for w != nil {
		if n, ok := w.(Noter); ok {
			return n
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
	return nil
}

// NoteErrorCode tells the observer of w, if any, that the response carries
// an error with this code. The error writers of this package call it; a
// handler writing errors of its own should too.
func NoteErrorCode(w http.ResponseWriter, code string) {
	if n := noter(w); n != nil {
		n.NoteErrorCode(code)
	}
}

// NoteOperation tells the observer of w, if any, the GraphQL operation
// name of the request.
func NoteOperation(w http.ResponseWriter, name string) {
	if n := noter(w); n != nil {
		n.NoteOperation(name)
	}
}
