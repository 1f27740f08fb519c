// Package render is Trident's deterministic CPU renderer for testing
// temporal reconstruction: built-in animated scenes of planes, boxes, spheres
// and alpha-tested rectangles, ray cast per sample with procedural textures,
// Blinn-Phong highlights and translucent particles.
//
// Each frame (Scene.Render) yields what a game engine gives TAA, FSR 2 or
// DLSS: colour at render resolution sampled at a Halton(2,3) sub-pixel jitter,
// linear depth, motion vectors (current minus previous position, render
// pixels, without jitter) and a reactive mask for the particles, plus a
// reference at display resolution with many samples per pixel. Frame
// documents the conventions.
//
// Scenes: fence (chain-link fence and thin wires over a text wall, glossy
// balls moving behind it), foliage (alpha-tested leaf cards, a crate sliding
// through, camera dolly) and city (text and stripe textures, a fine checker
// street, a glossy ball, smoke; orbiting camera).
//
// Scene.PathTrace is the path-traced mode: N noisy paths per pixel (soft
// sun shadows, one diffuse bounce) with albedo, normal, depth and motion
// buffers and a converged many-path reference, for denoisers.
//
// WriteMeta, WriteFrame, Open and Sequence.Frame write and read a sequence
// directory (see the layout comment in layout.go), which an engine can also
// fill with its own frames.
package render
