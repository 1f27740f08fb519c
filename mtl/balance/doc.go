// Package balance decides how the losses of a multi-task model are turned
// into one update: loss-weighting methods, gradient methods that combine the
// tasks' gradients of the shared parameters, and Pareto-front exploration
// with preference vectors.
//
// # The step protocol
//
// A trainer with T tasks does, every step:
//
//  1. compute the task losses L_i (scalars in one graph) and put their values
//     in Step.Losses;
//  2. if m.Needs().TaskGrads, fill Step.Grads[i] with the flat gradient of
//     L_i alone with respect to the shared parameters (nn.ZeroGrads(shared);
//     nn.Backward(L_i); nn.FlatGrad(shared)) — or, when the trainer can and
//     m.Needs().Representation asks for it, with respect to the shared
//     representation Z that feeds the task heads (MGDA-UB);
//  3. if m.Needs().LastSharedGrads, fill Step.LastShared[i] with the flat
//     gradient of L_i with respect to the weights of the last shared layer
//     (GradNorm);
//  4. call m.Combine(step);
//  5. backpropagate Σ_i Step.Weights[i]·L_i: every task-specific parameter
//     receives its own task's gradient scaled by Weights[i], and the shared
//     parameters receive the weighted sum;
//  6. if Step.Shared is not nil, replace the shared gradient by it: with
//     nn.SetFlatGrad(shared, Step.Shared) when Grads were taken with respect
//     to the shared parameters, or, when they were taken with respect to Z,
//     by zeroing the shared gradients and calling nn.BackwardWith(Z,
//     Step.Shared), which by linearity gives Σ_i Coef[i]·∇L_i;
//  7. take the optimizer step over the model's parameters and m.Params()
//     (Combine has written the gradients of the method's own parameters; do
//     not zero them between Combine and the optimizer step);
//  8. at the end of each epoch call m.EndEpoch with the epoch's mean task
//     losses.
//
// Gradient methods set every Weights[i] to 1, so each task-specific
// parameter gets its own task's plain gradient; after step 2 the
// task-specific parameters already hold exactly that, and a trainer may skip
// the backward pass of step 5 for them.
//
// Every gradient method here returns a combination Shared = Σ_i Coef[i]·g_i
// of the task gradients, computed from their Gram matrix G·Gᵀ (T×T, in
// float64), so its cost beyond the per-task backward passes is T(T+1)/2 dot
// products and one weighted sum over the P shared values.
//
// # Methods
//
// Loss weighting (Weights only; every parameter gets the weighted gradient):
//
//   - "ew": equal weights, the sum of the task losses.
//   - "fixed": the user's weights Config.Weights.
//   - "uw": uncertainty weighting — Kendall, Gal and Cipolla, "Multi-Task
//     Learning Using Uncertainty to Weigh Losses for Scene Geometry and
//     Semantics", CVPR 2018. Objective Σ ½·exp(−s_i)·L_i + ½·s_i with
//     learnable log-variances s_i (Params, starting at 0).
//   - "gradnorm": Chen, Badrinarayanan, Lee and Rabinovich, "GradNorm:
//     Gradient Normalization for Adaptive Loss Balancing in Deep Multitask
//     Networks", ICML 2018. Learnable weights (Params) pulled so that each
//     weighted task's gradient norm at the last shared layer approaches the
//     mean norm times r_i^α (r_i the task's relative inverse training rate,
//     α = Config.Alpha, default 1.5), renormalised to sum to T.
//   - "dwa": dynamic weight average — Liu, Johns and Davison, "End-to-End
//     Multi-Task Learning with Attention", CVPR 2019. Weights
//     T·softmax(r/τ) from the ratio r_i of the last two epochs' losses,
//     τ = Config.Temperature (default 2).
//   - "rlw": random loss weighting — Lin, Ye, Xu, Shi and Zhang, "Reasonable
//     Effectiveness of Random Weighting: A Litmus Test for Multi-Task
//     Learning", TMLR 2022 (arXiv 2111.10603): softmax of N(0, I) samples
//     each step.
//
// Gradient methods (Shared and Coef; Weights are 1):
//
//   - "pcgrad": Yu, Kumar, Gupta, Levine, Hausman and Finn, "Gradient
//     Surgery for Multi-Task Learning", NeurIPS 2020. Conflicting
//     components projected out in a random task order; the projected
//     gradients are summed.
//   - "mgda", "mgda-ub": Sener and Koltun, "Multi-Task Learning as
//     Multi-Objective Optimization", NeurIPS 2018. The min-norm point of the
//     convex hull of the task gradients (coefficients on the simplex), by
//     Frank–Wolfe; "mgda-ub" asks for gradients with respect to the shared
//     representation, the paper's cheaper upper-bound variant.
//   - "cagrad": Liu, Liu, Jin, Stone and Liu, "Conflict-Averse Gradient
//     Descent for Multi-task Learning", NeurIPS 2021. The direction within
//     c·‖g0‖ of the mean gradient g0 that maximises the worst task's
//     improvement, c = Config.C (default 0.5).
//   - "nash": Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik and
//     Fetaya, "Multi-Task Learning as a Bargaining Game", ICML 2022. The
//     Nash bargaining solution Σ α_i·g_i with G·Gᵀ·α = 1/α, solved exactly
//     by Newton's method (see below).
//   - "imtl": IMTL-G — Liu, Li, Kuang, Xue, Chen, Yang, Liao and Zhang,
//     "Towards Impartial Multi-task Learning", ICLR 2021. The combination
//     with coefficients summing to 1 whose projections on every task's unit
//     gradient are equal.
//   - "aligned": Aligned-MTL — Senushkin, Patakin, Kuznetsov and Konushin,
//     "Independent Component Alignment for Multi-Task Learning", CVPR 2023.
//     The task gradients are replaced by orthogonal ones of equal norm
//     σ_min spanning the same space (a whitening of the Gram matrix), and
//     averaged.
//
// Pareto-front exploration:
//
//   - "pmtl": Lin, Zhen, Li, Zhang and Kwong, "Pareto Multi-Task Learning",
//     NeurIPS 2019. Given K preference vectors (Preferences) and the index
//     of this model's vector, training is confined to the sub-region of
//     loss space closest to that vector: the min-norm combination of the
//     task gradients and the gradients of the active sub-region
//     constraints. Training one model per vector spreads the models along
//     the Pareto front.
//   - "epo": exact Pareto optimal search — Mahapatra and Rajan, "Multi-Task
//     Learning with User Preferences: Gradient Descent with Controlled
//     Ascent in Pareto Optimization", ICML 2020. Aims at the point of the
//     front on the preference ray itself: while the losses are off the ray
//     a linear program picks the combination that moves them towards it
//     without the task furthest behind getting worse; on the ray, one that
//     lowers every loss. Solved with gonum's simplex method.
//
// Nash-MTL's equation is the stationarity condition of the strictly convex
// φ(α) = ½·αᵀ·G·Gᵀ·α − Σ log α_i, so damped Newton steps that keep α > 0
// find its unique solution to machine precision in a few iterations, where
// the authors run a fixed number of convex-concave steps with a conic
// solver.
//
// # Resuming
//
// Randomized methods (RLW, PCGrad) draw from a generator seeded by
// Config.Seed and Step.Index, so a resumed run that passes the same step
// index repeats their choices. Trainable state (uncertainty weighting's
// log-variances, GradNorm's weights) is in Params and is saved with the
// model; other state (GradNorm's initial losses, DWA's loss history) is
// returned by State and restored with SetState.
//
// # Conventions
//
// Libraries scale the combined gradient differently; this package follows
// the papers, which agree with torchjd's reference values except where
// noted, and the reference tests show the relation:
//
//   - MGDA: coefficients on the simplex (sum 1), gradients not normalised
//     unless Config.Normalization asks for the authors' "l2", "loss" or
//     "loss+" scaling (then the α found for the scaled gradients weight the
//     unscaled ones, as in their code).
//   - PCGrad: the projected gradients are summed (paper, torchjd, LibMTL).
//   - CAGrad: g0 is the mean gradient and d = g0 + √φ·g_w/‖g_w‖ (paper,
//     torchjd); the authors' code divides d by 1 + c² by default.
//   - Nash-MTL: α solves G·Gᵀ·α = 1/α (paper); torchjd's published value
//     is this direction divided by √2.
//   - IMTL-G: coefficients sum to 1 (paper, torchjd).
//   - Aligned-MTL: the mean of the aligned gradients (torchjd); LibMTL sums
//     them, T times larger.
//   - Pareto MTL: coefficients scaled to Σ|c_i| = T; EPO: Σc_i = T (the
//     authors' code for both).
//   - Loss weights sum to T for DWA and GradNorm and to 1 for RLW (softmax),
//     as in the papers; uncertainty weighting's are ½·exp(−s_i).
package balance
