package board

// geometry is what every board of one size shares and never changes:
// neighbour tables, symmetries and Zobrist keys.
type geometry struct {
	w, h, n int
	// nbrs lists the four neighbours of each point; off-board neighbours
	// are the sentinel point n.
	nbrs [][4]Point
	// all holds every point; notEast and notWest the points with a
	// neighbour to the east and to the west.
	all, notEast, notWest Bitboard
	// onBoard lists the on-board neighbours only; nbrSets[p] holds them
	// as a set.
	onBoard [][]Point
	nbrSets []Bitboard
	// syms[s][p] is the image of p under symmetry s; syms[0] is identity.
	syms [][]Point
	// stoneKeys[c][p] for c in Black, White.
	stoneKeys [3][]uint64
	// symKeys[c][p][s] is stoneKeys[c][syms[s][p]]; zero past the last symmetry.
	symKeys [3][][8]uint64
	koKeys  []uint64
	// capKeys[c][k]: c has captured k stones (k capped at n).
	capKeys  [3][]uint64
	whiteKey uint64 // White to move
	passKeys [3]uint64
}

// splitmix64 is the generator of the Zobrist keys: fixed seeds make keys the
// same in every process, so hashes can be stored and compared.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newGeometry(w, h int) *geometry {
	n := w * h
	g := &geometry{w: w, h: h, n: n, nbrs: make([][4]Point, n)}
	for p := 0; p < n; p++ {
		x, y := p%w, p/w
		nb := [4]Point{Point(n), Point(n), Point(n), Point(n)}
		if x > 0 {
			nb[0] = Point(p - 1)
		}
		if x < w-1 {
			nb[1] = Point(p + 1)
		}
		if y > 0 {
			nb[2] = Point(p - w)
		}
		if y < h-1 {
			nb[3] = Point(p + w)
		}
		g.nbrs[p] = nb
		g.all.Set(Point(p))
		if x < w-1 {
			g.notEast.Set(Point(p))
		}
		if x > 0 {
			g.notWest.Set(Point(p))
		}
		var on []Point
		var set Bitboard
		for _, q := range nb {
			if int(q) < n {
				on = append(on, q)
				set.Set(q)
			}
		}
		g.nbrSets = append(g.nbrSets, set)
		// Capped so that a caller's append copies rather than writes into
		// the spare capacity that all boards of this size share.
		g.onBoard = append(g.onBoard, on[:len(on):len(on)])
	}
	// Each transform maps (x, y) to a point of the same board.
	type xf func(x, y int) (int, int)
	transforms := []xf{
		func(x, y int) (int, int) { return x, y },
		func(x, y int) (int, int) { return w - 1 - x, y },
		func(x, y int) (int, int) { return x, h - 1 - y },
		func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
	}
	if w == h {
		transforms = append(transforms,
			func(x, y int) (int, int) { return y, x },
			func(x, y int) (int, int) { return w - 1 - y, x },
			func(x, y int) (int, int) { return y, w - 1 - x },
			func(x, y int) (int, int) { return w - 1 - y, w - 1 - x },
		)
	}
	for _, t := range transforms {
		perm := make([]Point, n)
		for p := 0; p < n; p++ {
			x, y := t(p%w, p/w)
			perm[p] = Point(y*w + x)
		}
		g.syms = append(g.syms, perm)
	}
	seed := uint64(0x7472696465)
	for _, c := range []Color{Black, White} {
		g.stoneKeys[c] = make([]uint64, n)
		for p := range g.stoneKeys[c] {
			g.stoneKeys[c][p] = splitmix64(&seed)
		}
		g.capKeys[c] = make([]uint64, n+1)
		for k := 1; k <= n; k++ {
			g.capKeys[c][k] = splitmix64(&seed)
		}
	}
	for _, c := range []Color{Black, White} {
		g.symKeys[c] = make([][8]uint64, n)
		for p := 0; p < n; p++ {
			for s, perm := range g.syms {
				g.symKeys[c][p][s] = g.stoneKeys[c][perm[p]]
			}
		}
	}
	g.koKeys = make([]uint64, n)
	for p := range g.koKeys {
		g.koKeys[p] = splitmix64(&seed)
	}
	g.whiteKey = splitmix64(&seed)
	g.passKeys[1] = splitmix64(&seed)
	g.passKeys[2] = splitmix64(&seed)
	return g
}

// around returns the points next to some point of s.
func (g *geometry) around(s Bitboard) Bitboard {
	r := s.and(g.notEast).shl(1)
	r = r.or(s.and(g.notWest).shr(1))
	if g.h > 1 {
		k := uint(g.w)
		r = r.or(s.shl(k)).or(s.shr(k))
	}
	return r.and(g.all)
}
