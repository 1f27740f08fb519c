package solve

// table is the transposition table: buckets of four entries indexed by the
// low bits of the key. A full bucket gives up the entry that cost the least
// search, so proofs of large subtrees survive.
type table struct {
	buckets []bucket
	mask    uint64
	filled  int
}

type entry struct {
	key    uint64
	pn, dn uint32
	work   uint32 // 0 marks an empty slot
}

type bucket [4]entry

func newTable(bits int) *table {
	n := 1 << max(bits-2, 0)
	return &table{buckets: make([]bucket, n), mask: uint64(n - 1)}
}

func (t *table) lookup(key uint64) (pn, dn int64, ok bool) {
	bk := &t.buckets[key&t.mask]
	for i := range bk {
		if e := &bk[i]; e.work != 0 && e.key == key {
			return int64(e.pn), int64(e.dn), true
		}
	}
	return 0, 0, false
}

func (t *table) store(key uint64, pn, dn, work int64) {
	bk := &t.buckets[key&t.mask]
	w := uint32(min(max(work, 1), 1<<32-1))
	victim := 0
	for i := range bk {
		e := &bk[i]
		if e.work != 0 && e.key == key {
			e.pn, e.dn = uint32(pn), uint32(dn)
			e.work = max(e.work, w)
			return
		}
		if e.work < bk[victim].work {
			victim = i
		}
	}
	if bk[victim].work == 0 {
		t.filled++
	}
	bk[victim] = entry{key: key, pn: uint32(pn), dn: uint32(dn), work: w}
}

// used returns the share of slots holding an entry.
func (t *table) used() float64 { return float64(t.filled) / float64(4*len(t.buckets)) }
