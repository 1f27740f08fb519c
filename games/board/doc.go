// Package board holds positions of NoGo and Atari-Go on rectangular boards
// from 1×1 to 19×19, with the rules of both games, fast legal-move
// generation, Zobrist hashing under the board's symmetries, and undo.
//
// # Games
//
//   - NoGo: Black moves first, nobody passes, a move that captures or is
//     suicide is illegal, and a player with no legal move loses.
//   - Atari-Go (capture Go): ordinary Go moves, suicide illegal; the first
//     player to capture Rules.CaptureTarget stones (1 unless set) wins. A
//     simple ko forbids retaking a single stone at once. Passing is off
//     unless Rules.AllowPass; with it two passes in a row end the game and
//     the player with more captures wins (equal captures: a draw). Without
//     passing, a player with no legal move loses, as in NoGo.
//
// # API summary
//
//	b, err := board.New(9, 9, board.Rules{Game: board.NoGo})
//	moves := b.LegalMoves(buf[:0]) // legal points for b.ToMove(); Pass included when allowed
//	b.IsLegal(p)                   // one point, O(1)
//	err = b.Play(p)                // checks legality; PlayAs(c, p) plays for a given colour
//	b.Undo()                       // takes back the last Play, PlayAs or pass
//	b.Over(), b.Winner()           // game over? who won (Empty while running or for a draw)
//	b.Hash()                       // Zobrist key of the whole game state
//	b.CanonicalHash()              // smallest key over the board's symmetries
//	c := b.Clone(); c.CopyFrom(b)  // cheap copies for search (history is not copied)
//	p, err := b.ParsePoint("D4")   // GTP names: columns A..T without I, rows from 1 at the bottom
//	b.PointName(p), b.XY(p), b.Point(x, y)
//	b.At(p), b.Liberties(p), b.Stones(c), b.Captures(c), b.Ko(), b.Neighbors(p)
//	b.LegalSet(c), b.IsLegalFor(c, p) // legality for either player
//	b.AtariLiberties(c)            // points where c's groups in atari can be captured
//	b.Symmetries(), b.Transform(s, p), b.SymmetricHash(s)
//	w, h, err := board.ParseSize("4x4"); g, err := board.ParseGame("nogo")
//	var po board.Playout; err = po.Load(b) // NoGo position for playouts (below)
//
// Points are indices y*Width+x with x the column from the left and y the row
// from the bottom, both from 0, so A1 is 0. Pass is the point -1.
//
// # Representation
//
// Every point knows its colour, the root of its group, the next stone of its
// group (a circular list) and, for roots, the group's exact liberty count.
// Stones of each colour and the empty points are also kept as bitboards.
// Playing a stone touches only its neighbours, the groups it merges (their
// liberties are recounted through a bitboard) and captured stones, so a NoGo
// legality test is a look at four neighbours. Undo replays a log of the cells
// a move changed, so search can play and take back moves without copying the
// board. The eight (square) or four (rectangular) symmetric Zobrist keys are
// updated with every stone, so the canonical key costs a few comparisons.
//
// Playout is a second, NoGo-only position for Monte Carlo playouts. It
// drops the history, the keys and the capture code, keeps each group's
// liberties as a bitboard (merging is a union), and keeps both players'
// legal points as bitboards updated with each stone: only the liberty of a
// group left in atari and the empty neighbours left with no empty
// neighbour can change, so a legality test in a playout is one bit test.
// Per-point counts of neighbouring almost-eyes, kept the same way, make
// the NoGo policy's eye test (MakesEye) one load.
package board
