package spatial

import "math"

// orient returns the sign of the turn a→b→c: +1 counter-clockwise (c left
// of ab), −1 clockwise, 0 collinear. The sign is exact, as GEOS's robust
// orientation index is: a float estimate is used when it is certainly
// right (Shewchuk's error bound), otherwise the determinant is summed
// exactly from its six error-free products. It does not allocate.
func orient(a, b, c [2]float64) int {
	detLeft := (a[0] - c[0]) * (b[1] - c[1])
	detRight := (a[1] - c[1]) * (b[0] - c[0])
	det := detLeft - detRight
	var detSum float64
	switch {
	case detLeft > 0:
		if detRight <= 0 {
			return sign(det)
		}
		detSum = detLeft + detRight
	case detLeft < 0:
		if detRight >= 0 {
			return sign(det)
		}
		detSum = -detLeft - detRight
	default:
		return sign(det)
	}
	const eps = 1.0 / (1 << 53)
	const errBoundA = (3 + 16*eps) * eps
	if math.Abs(det) >= errBoundA*detSum {
		return sign(det)
	}
	return orientExact(a, b, c)
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// orientExact evaluates ax·by − ax·cy − cx·by − ay·bx + ay·cx + cy·bx
// (the expanded determinant) exactly as a floating-point expansion.
func orientExact(a, b, c [2]float64) int {
	var e [12]float64
	n := 0
	add := func(x float64) {
		for i := 0; i < n; i++ {
			x, e[i] = twoSum(x, e[i])
		}
		e[n] = x
		n++
	}
	product := func(x, y float64) {
		hi := x * y
		add(hi)
		add(math.FMA(x, y, -hi))
	}
	product(a[0], b[1])
	product(-a[0], c[1])
	product(-c[0], b[1])
	product(-a[1], b[0])
	product(a[1], c[0])
	product(c[1], b[0])
	// The components do not overlap and grow in magnitude, so the last
	// non-zero one carries the sign of the sum.
	for i := n - 1; i >= 0; i-- {
		if e[i] != 0 {
			return sign(e[i])
		}
	}
	return 0
}

// twoSum returns s = fl(x+y) and the rounding error, x + y = s + err exactly.
func twoSum(x, y float64) (s, err float64) {
	s = x + y
	yy := s - x
	return s, (x - (s - yy)) + (y - yy)
}
