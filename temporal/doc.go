// Package temporal reconstructs frames from a sequence of jittered,
// motion-vectored render frames (package render's Frame): TAA at native
// resolution and TSR, a temporal upscaler in the style of FSR 2 and Unreal
// TSR, for display/render ratios from 1 to 4 (1.5×, 1.7×, 2×, 3× are the
// usual quality modes).
//
// Both keep a history that is reprojected with nearest-depth-dilated motion
// vectors, dropped on depth disocclusion and rectified by variance clipping
// in YCoCg; they blend in a reversibly tonemapped space so that highlights
// do not flicker. RCAS sharpening from package upscale is optional. A Method
// processes frames in order and must be Reset after a cut.
//
// Interpolate is frame generation in the manner of DLSS 3: it synthesises
// the frame between two final frames from the later one's motion vectors
// (forward warp with a depth test, occlusion-aware blending, hole filling
// from the background). InterpolateFlow does the same for video, without
// vectors or depth: EstimateFlow measures the motion both ways by
// hierarchical block matching, and a forward-backward check takes the place
// of the depth test. SVGF denoises path-traced frames (render's
// PathFrame) by spatiotemporal variance-guided filtering. Neural is temporal
// neural super-sampling: TSR corrected by a small network (NeuralNet) whose
// pretrained weights are embedded from temporal/weights.
package temporal
