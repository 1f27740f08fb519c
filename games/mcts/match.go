package mcts

import (
	"context"
	"fmt"

	"github.com/trident-lab/trident/games/board"
)

// PlayGame plays one game from start between two searches, black and
// white, each with its own tree (reused across the game) and the same
// budget per move, and returns the winner (board.Empty for a draw) and the
// number of moves. A side that is advised to resign loses.
func PlayGame(ctx context.Context, start *board.Board, black, white Config, budget Budget) (board.Color, int, error) {
	b := start.Clone()
	trees := [3]*Tree{board.Black: New(b, black), board.White: New(b, white)}
	moves := 0
	for !b.Over() {
		c := b.ToMove()
		res, err := trees[c].Search(ctx, budget)
		if err != nil {
			return board.Empty, moves, fmt.Errorf("mcts: game move %d: %w", moves+1, err)
		}
		if res.Resign {
			return c.Opponent(), moves, nil
		}
		if err := b.Play(res.Move); err != nil {
			return board.Empty, moves, fmt.Errorf("mcts: game move %d: search chose an illegal move: %w", moves+1, err)
		}
		for _, t := range trees[1:] {
			if err := t.Advance(res.Move); err != nil {
				return board.Empty, moves, err
			}
		}
		moves++
	}
	return b.Winner(), moves, nil
}
