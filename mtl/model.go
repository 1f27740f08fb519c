package mtl

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/trident-lab/trident/nn"
)

// SharedPrefix names the shared parameters: those through which more than
// one task's loss flows. The parameters only task i's loss reaches are named
// TaskPrefix(i)+"...". Gradient methods act on the shared group; every
// task-specific parameter receives its own task's gradient.
const SharedPrefix = "shared/"

// TaskPrefix returns the name prefix of task i's own parameters.
func TaskPrefix(i int) string { return "task" + strconv.Itoa(i) + "/" }

// dropoutStream separates the dropout masks' random stream from the
// initialization's, both drawn from the network's seed.
const dropoutStream = 0x64726f706f7574 // "dropout"

// Architectures lists the names accepted by Config.Arch.
var Architectures = []string{"single", "shared-bottom", "cross-stitch", "moe", "mmoe", "cgc", "ple", "esmm"}

// Config chooses and sizes a multi-task architecture over tabular inputs.
type Config struct {
	// Arch is one of Architectures: "single" (one separate network per
	// task, the single-task baseline), "shared-bottom" (hard parameter
	// sharing), "cross-stitch" (Misra et al. 2016), "moe" (one gate shared
	// by all tasks), "mmoe" (Ma et al. 2018), "cgc" and "ple" (Tang et al.
	// 2020), "esmm" (Ma et al. 2018, two binary tasks: CTR and CTCVR).
	Arch string
	// EmbedDim is the width of each categorical embedding.
	EmbedDim int
	// Hidden are the widths of the shared bottom, of each expert, or of
	// each cross-stitch column.
	Hidden []int
	// Experts is the number of shared experts (moe, mmoe, cgc, ple).
	Experts int
	// TaskExperts is the number of task-specific experts per task (cgc, ple).
	TaskExperts int
	// Levels is the number of extraction levels of PLE.
	Levels int
	// Tower are the hidden widths of each task's tower.
	Tower []int
	// Dropout, for image networks only, is the probability of the
	// dropout of Sener and Koltun's MultiLeNet: whole channels of the
	// trunk's second convolution (one mask per batch) and single units of
	// each head's hidden layer, in training only. 0 turns it off. The
	// masks come from a stream seeded with the network, so a run repeats;
	// the Trainer restarts it for each epoch from its seed and the epoch,
	// so a resumed run draws the masks an uninterrupted one would.
	Dropout float64 `json:",omitempty"`
}

// DefaultConfig returns the sizes used by the MMoE and PLE papers'
// Census-Income experiments, scaled to the architecture.
func DefaultConfig(arch string) Config {
	return Config{Arch: arch, EmbedDim: 8, Hidden: []int{64}, Experts: 4, TaskExperts: 1, Levels: 2, Tower: []int{16}}
}

// Network is a multi-task model: an input encoder (dense features and
// embedded categorical columns), an architecture that shares some of its
// parameters between tasks, and one head per task. Forward returns one
// output per task: logits for binary and multi-class tasks, the value for
// regression.
type Network struct {
	Params *nn.Params
	Tasks  []Task
	Config Config

	encoders []*encoder // one shared encoder, or one per task for "single"
	arch     architecture
	cut      *repCut // where the graph is cut at the shared representation, if supported
}

// seedDropout restarts the dropout masks' stream for an epoch of a run
// seeded with seed: the masks then depend on the seed and the epoch alone,
// not on the epochs before, which is what lets a resumed run repeat an
// uninterrupted one.
func (n *Network) seedDropout(seed uint64, epoch int) {
	if im, ok := n.arch.(*imageNet); ok && im.drop != nil {
		im.drop.rng = rand.New(rand.NewPCG(seed^dropoutStream, uint64(epoch)))
	}
}

// repCut cuts the graph at the shared representation Z that feeds every
// task head, so that a trainer can take each task's gradient with respect
// to Z (MGDA-UB) and then push a combination of them through the shared
// layers below with nn.BackwardWith(Z, ...).
type repCut struct {
	on      bool
	z, leaf *nn.Tensor
}

// apply returns the tensor the heads should read: z itself, or, when the
// cut is on, a leaf holding z's values whose gradient collects the heads'.
func (c *repCut) apply(z *nn.Tensor) *nn.Tensor {
	if c == nil || !c.on || !z.RequiresGrad() {
		return z
	}
	c.z = z
	c.leaf = z.Detach()
	c.leaf.SetRequiresGrad(true)
	return c.leaf
}

// CutRepresentation switches the cut at the shared representation on or
// off and reports whether this architecture has one (shared-bottom, for
// tables and images). While on, Forward records the representation, which
// Representation returns.
func (n *Network) CutRepresentation(on bool) bool {
	if n.cut == nil {
		return false
	}
	n.cut.on = on
	return true
}

// Representation returns the shared representation of the last Forward
// (as computed by the shared layers) and the leaf the heads read from it.
func (n *Network) Representation() (z, leaf *nn.Tensor) {
	if n.cut == nil {
		return nil, nil
	}
	return n.cut.z, n.cut.leaf
}

// architecture maps encoded inputs to per-task outputs.
type architecture interface {
	forward(inputs []*nn.Tensor, train bool) []*nn.Tensor
	// lastShared returns the weights of the last shared layer (every
	// expert's, for mixtures), or nil when nothing is shared.
	lastShared() []*nn.Tensor
}

// LastShared returns the weights of the network's last shared layer, the
// layer at which GradNorm measures each task's gradient norm. For ESMM,
// whose only shared parameters are the embeddings, it returns those.
func (n *Network) LastShared() []*nn.Tensor {
	if ls := n.arch.lastShared(); ls != nil {
		return ls
	}
	return n.Params.Group(SharedPrefix)
}

func lastWeights(ms []*mlp) []*nn.Tensor {
	var out []*nn.Tensor
	for _, m := range ms {
		out = append(out, m.layers[len(m.layers)-1].W)
	}
	return out
}

// NewNetwork builds the network of cfg for the columns and tasks of d,
// drawing initial weights from seed.
func NewNetwork(cfg Config, d *Dataset, seed uint64) (*Network, error) {
	if len(d.Tasks) == 0 {
		return nil, fmt.Errorf("mtl: dataset %s has no tasks", d.Name)
	}
	// The rules LoadModel checks a model.json by, so that every network
	// that trains can be loaded again.
	if err := validateTasks(d.Tasks); err != nil {
		return nil, fmt.Errorf("mtl: dataset %s: %w", d.Name, err)
	}
	if err := validateArch(cfg, d.Tasks, d.Channels > 0, len(d.Categorical) > 0, ""); err != nil {
		return nil, fmt.Errorf("mtl: model: %w", err)
	}
	if cfg.EmbedDim <= 0 && len(d.Categorical) > 0 {
		return nil, fmt.Errorf("mtl: embedding width %d must be positive", cfg.EmbedDim)
	}
	for _, h := range append(append([]int(nil), cfg.Hidden...), cfg.Tower...) {
		if h <= 0 {
			return nil, fmt.Errorf("mtl: layer width %d must be positive", h)
		}
	}
	if len(cfg.Hidden) == 0 && d.Channels == 0 {
		return nil, fmt.Errorf("mtl: %s needs at least one hidden layer", cfg.Arch)
	}
	if count := paramCount(cfg, d); count > maxParams {
		return nil, fmt.Errorf("mtl: the %s network for %s would have %d parameters, more than the limit of %d", cfg.Arch, d.Name, count, maxParams)
	}
	rng := nn.NewRNG(seed)
	n := &Network{Params: nn.NewParams(), Tasks: d.Tasks, Config: cfg}
	ps := n.Params
	newEncoder := func(prefix string) *encoder {
		e := &encoder{dense: d.DenseWidth()}
		for _, c := range d.Categorical {
			e.emb = append(e.emb, nn.NewEmbedding(ps, prefix+"emb/"+c.Name, c.Vocab, cfg.EmbedDim, rng))
		}
		return e
	}
	in := d.DenseWidth() + len(d.Categorical)*cfg.EmbedDim
	if in == 0 {
		return nil, fmt.Errorf("mtl: dataset %s has no input columns", d.Name)
	}
	T := len(d.Tasks)
	var err error
	if d.Channels > 0 {
		n.encoders = []*encoder{{dense: d.DenseWidth()}}
		// The masks come from their own stream so that turning dropout
		// on leaves the initialization as it was.
		im, err := newImageNet(ps, cfg.Arch, d, float32(cfg.Dropout), nn.NewRNG(seed^dropoutStream), rng)
		if err != nil {
			return nil, err
		}
		if cfg.Arch == "shared-bottom" {
			n.cut = &repCut{}
			im.cut = n.cut
		}
		n.arch = im
		return n, nil
	}
	switch cfg.Arch {
	case "single":
		for i := 0; i < T; i++ {
			n.encoders = append(n.encoders, newEncoder(TaskPrefix(i)))
		}
		n.arch = newSingle(ps, in, cfg, d.Tasks, rng)
	case "shared-bottom":
		n.encoders = []*encoder{newEncoder(SharedPrefix)}
		sb := newSharedBottom(ps, in, cfg, d.Tasks, rng)
		n.cut = &repCut{}
		sb.cut = n.cut
		n.arch = sb
	case "cross-stitch":
		n.encoders = []*encoder{newEncoder(SharedPrefix)}
		n.arch = newCrossStitch(ps, in, cfg, d.Tasks, rng)
	case "moe", "mmoe":
		n.encoders = []*encoder{newEncoder(SharedPrefix)}
		if cfg.Experts < 1 {
			return nil, fmt.Errorf("mtl: %s needs at least one expert", cfg.Arch)
		}
		n.arch = newMMoE(ps, in, cfg, d.Tasks, cfg.Arch == "moe", rng)
	case "cgc", "ple":
		n.encoders = []*encoder{newEncoder(SharedPrefix)}
		levels := 1
		if cfg.Arch == "ple" {
			levels = cfg.Levels
		}
		if levels < 1 || cfg.Experts < 1 || cfg.TaskExperts < 1 {
			return nil, fmt.Errorf("mtl: %s needs at least one level, one shared and one task expert", cfg.Arch)
		}
		n.arch = newPLE(ps, in, cfg, d.Tasks, levels, rng)
	case "esmm":
		if T != 2 || d.Tasks[0].Kind != Binary || d.Tasks[1].Kind != Binary {
			return nil, fmt.Errorf("mtl: esmm needs two binary tasks (CTR, then CTCVR), dataset %s has %v", d.Name, taskNames(d.Tasks))
		}
		n.encoders = []*encoder{newEncoder(SharedPrefix)}
		n.arch = newESMM(ps, in, cfg, rng)
	default:
		err = fmt.Errorf("mtl: unknown architecture %q (want one of %s)", cfg.Arch, strings.Join(Architectures, ", "))
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

func taskNames(ts []Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}

// Forward returns each task's output for batch b.
func (n *Network) Forward(b *Batch, train bool) []*nn.Tensor {
	inputs := make([]*nn.Tensor, len(n.encoders))
	for i, e := range n.encoders {
		inputs[i] = e.forward(b)
	}
	return n.arch.forward(inputs, train)
}

// encoder concatenates dense features with the embeddings of the
// categorical columns.
type encoder struct {
	dense int
	emb   []*nn.Embedding
}

func (e *encoder) forward(b *Batch) *nn.Tensor {
	parts := make([]*nn.Tensor, 0, 1+len(e.emb))
	if e.dense > 0 {
		parts = append(parts, b.Dense)
	}
	for c, emb := range e.emb {
		parts = append(parts, emb.Forward(b.Cat[c]))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return nn.Concat(1, parts...)
}

// mlp is a stack of Dense layers with ReLU after every layer (used for
// bottoms and experts, whose outputs feed further layers).
type mlp struct{ layers []*nn.Dense }

func newMLP(ps *nn.Params, name string, in int, widths []int, rng *rand.Rand) *mlp {
	m := &mlp{}
	for i, w := range widths {
		m.layers = append(m.layers, nn.NewDense(ps, name+"/fc"+strconv.Itoa(i), in, w, rng))
		in = w
	}
	return m
}

func (m *mlp) forward(x *nn.Tensor) *nn.Tensor {
	for _, l := range m.layers {
		x = nn.ReLU(l.Forward(x))
	}
	return x
}

// tower is a task head: hidden ReLU layers, then a linear output layer.
type tower struct {
	hidden *mlp
	out    *nn.Dense
}

func newTower(ps *nn.Params, name string, in int, widths []int, outputs int, rng *rand.Rand) *tower {
	t := &tower{hidden: newMLP(ps, name, in, widths, rng)}
	if len(widths) > 0 {
		in = widths[len(widths)-1]
	}
	t.out = nn.NewDense(ps, name+"/out", in, outputs, rng)
	return t
}

func (t *tower) forward(x *nn.Tensor) *nn.Tensor { return t.out.Forward(t.hidden.forward(x)) }

func lastWidth(widths []int) int { return widths[len(widths)-1] }

// single is the single-task baseline: one full network per task, nothing
// shared.
type single struct {
	bottoms []*mlp
	towers  []*tower
}

func newSingle(ps *nn.Params, in int, cfg Config, tasks []Task, rng *rand.Rand) *single {
	s := &single{}
	for i, t := range tasks {
		s.bottoms = append(s.bottoms, newMLP(ps, TaskPrefix(i)+"bottom", in, cfg.Hidden, rng))
		s.towers = append(s.towers, newTower(ps, TaskPrefix(i)+"tower", lastWidth(cfg.Hidden), cfg.Tower, t.Outputs(), rng))
	}
	return s
}

func (s *single) lastShared() []*nn.Tensor { return nil }

func (s *single) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	out := make([]*nn.Tensor, len(s.towers))
	for i := range s.towers {
		out[i] = s.towers[i].forward(s.bottoms[i].forward(inputs[i]))
	}
	return out
}

// sharedBottom is hard parameter sharing (Caruana 1997): one bottom
// network, one tower per task.
type sharedBottom struct {
	bottom *mlp
	towers []*tower
	cut    *repCut
}

func newSharedBottom(ps *nn.Params, in int, cfg Config, tasks []Task, rng *rand.Rand) *sharedBottom {
	s := &sharedBottom{bottom: newMLP(ps, SharedPrefix+"bottom", in, cfg.Hidden, rng)}
	for i, t := range tasks {
		s.towers = append(s.towers, newTower(ps, TaskPrefix(i)+"tower", lastWidth(cfg.Hidden), cfg.Tower, t.Outputs(), rng))
	}
	return s
}

func (s *sharedBottom) lastShared() []*nn.Tensor { return lastWeights([]*mlp{s.bottom}) }

func (s *sharedBottom) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	h := s.cut.apply(s.bottom.forward(inputs[0]))
	out := make([]*nn.Tensor, len(s.towers))
	for i, t := range s.towers {
		out[i] = t.forward(h)
	}
	return out
}

// crossStitch gives every task its own column of layers and mixes the
// columns' activations after each layer with learned cross-stitch units
// (Misra et al. 2016): h'_i = Σ_j α_ij h_j, α initialised to 0.9 on the
// diagonal and 0.1/(T-1) off it. Because the units mix the columns, every
// column's parameters receive every task's gradient: all are in the shared
// group, and only the towers are task-specific.
type crossStitch struct {
	columns [][]*nn.Dense // [task][layer]
	alphas  []*nn.Tensor  // [layer] of shape [T, T]
	towers  []*tower
}

func newCrossStitch(ps *nn.Params, in int, cfg Config, tasks []Task, rng *rand.Rand) *crossStitch {
	T := len(tasks)
	c := &crossStitch{columns: make([][]*nn.Dense, T)}
	for l, w := range cfg.Hidden {
		for i := 0; i < T; i++ {
			prev := in
			if l > 0 {
				prev = cfg.Hidden[l-1]
			}
			// Through the stitch units every column feeds every task, so
			// the columns are shared parameters in the gradient sense.
			c.columns[i] = append(c.columns[i], nn.NewDense(ps, SharedPrefix+"column"+strconv.Itoa(i)+"/fc"+strconv.Itoa(l), prev, w, rng))
		}
		a := nn.Zeros(T, T)
		for i := 0; i < T; i++ {
			for j := 0; j < T; j++ {
				switch {
				case i == j:
					a.Data[i*T+j] = 0.9
				case T > 1:
					a.Data[i*T+j] = 0.1 / float32(T-1)
				}
			}
		}
		c.alphas = append(c.alphas, ps.Add(SharedPrefix+"stitch"+strconv.Itoa(l), a))
	}
	for i, t := range tasks {
		c.towers = append(c.towers, newTower(ps, TaskPrefix(i)+"tower", lastWidth(cfg.Hidden), cfg.Tower, t.Outputs(), rng))
	}
	return c
}

func (c *crossStitch) lastShared() []*nn.Tensor {
	var out []*nn.Tensor
	for _, col := range c.columns {
		out = append(out, col[len(col)-1].W)
	}
	return out
}

func (c *crossStitch) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	T := len(c.columns)
	h := make([]*nn.Tensor, T)
	for i := range h {
		h[i] = inputs[0]
	}
	for l, alpha := range c.alphas {
		for i := 0; i < T; i++ {
			h[i] = nn.ReLU(c.columns[i][l].Forward(h[i]))
		}
		// Stack to [N, T, D] and mix: out[n, i, :] = Σ_j α_ij h[n, j, :].
		stacked := nn.Stack(1, h...)
		mixed := nn.MatMul(nn.Reshape(nn.Permute(stacked, 0, 2, 1), -1, T), nn.Transpose(alpha, 0, 1))
		n, d := stacked.Shape[0], stacked.Shape[2]
		mixed = nn.Permute(nn.Reshape(mixed, n, d, T), 0, 2, 1)
		h = nn.Split(mixed, 1, ones(T)...)
		for i := range h {
			h[i] = nn.Reshape(h[i], n, d)
		}
	}
	out := make([]*nn.Tensor, T)
	for i, t := range c.towers {
		out[i] = t.forward(h[i])
	}
	return out
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

// gate is a softmax gate over experts: Dense(in → experts) + softmax.
type gate struct{ fc *nn.Dense }

// mix returns Σ_e softmax(gate(x))_e · experts[e] for experts [N, E, D].
func (g *gate) mix(x, experts *nn.Tensor) *nn.Tensor {
	w := nn.Softmax(g.fc.Forward(x), 1) // [N, E]
	n, e, d := experts.Shape[0], experts.Shape[1], experts.Shape[2]
	return nn.Reshape(nn.MatMul(nn.Reshape(w, n, 1, e), experts), n, d)
}

// mmoe is the multi-gate mixture of experts (Ma et al. 2018): shared
// expert networks and one softmax gate per task (or one gate shared by all
// tasks, the one-gate MoE baseline of the paper).
type mmoe struct {
	experts []*mlp
	gates   []*gate
	towers  []*tower
}

func newMMoE(ps *nn.Params, in int, cfg Config, tasks []Task, oneGate bool, rng *rand.Rand) *mmoe {
	m := &mmoe{}
	for e := 0; e < cfg.Experts; e++ {
		m.experts = append(m.experts, newMLP(ps, SharedPrefix+"expert"+strconv.Itoa(e), in, cfg.Hidden, rng))
	}
	if oneGate {
		m.gates = []*gate{{fc: nn.NewDense(ps, SharedPrefix+"gate", in, cfg.Experts, rng)}}
	} else {
		for i := range tasks {
			m.gates = append(m.gates, &gate{fc: nn.NewDense(ps, TaskPrefix(i)+"gate", in, cfg.Experts, rng)})
		}
	}
	for i, t := range tasks {
		m.towers = append(m.towers, newTower(ps, TaskPrefix(i)+"tower", lastWidth(cfg.Hidden), cfg.Tower, t.Outputs(), rng))
	}
	return m
}

func stackExperts(experts []*mlp, x *nn.Tensor) *nn.Tensor {
	outs := make([]*nn.Tensor, len(experts))
	for e, ex := range experts {
		outs[e] = ex.forward(x)
	}
	return nn.Stack(1, outs...) // [N, E, D]
}

func (m *mmoe) lastShared() []*nn.Tensor { return lastWeights(m.experts) }

func (m *mmoe) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	x := inputs[0]
	experts := stackExperts(m.experts, x)
	out := make([]*nn.Tensor, len(m.towers))
	for i, t := range m.towers {
		g := m.gates[0]
		if len(m.gates) > 1 {
			g = m.gates[i]
		}
		out[i] = t.forward(g.mix(x, experts))
	}
	return out
}

// ple is progressive layered extraction (Tang et al. 2020). Each level has
// shared experts and experts of each task; task i's gate mixes the shared
// experts with its own, and, below the top level, a shared gate mixes all
// experts into the next level's shared input. One level is CGC.
type ple struct {
	levels []pleLevel
	towers []*tower
}

type pleLevel struct {
	shared     []*mlp
	task       [][]*mlp // [task][expert]
	taskGates  []*gate
	sharedGate *gate // nil at the top level
}

func newPLE(ps *nn.Params, in int, cfg Config, tasks []Task, levels int, rng *rand.Rand) *ple {
	p := &ple{}
	T := len(tasks)
	for l := 0; l < levels; l++ {
		lv := pleLevel{task: make([][]*mlp, T)}
		prefix := "level" + strconv.Itoa(l) + "/"
		for e := 0; e < cfg.Experts; e++ {
			lv.shared = append(lv.shared, newMLP(ps, SharedPrefix+prefix+"expert"+strconv.Itoa(e), in, cfg.Hidden, rng))
		}
		for i := 0; i < T; i++ {
			// Below the top level the shared gate passes task i's experts
			// to every task: they are shared parameters in the gradient
			// sense, though each belongs to one task's extraction path.
			owner := TaskPrefix(i)
			if l+1 < levels {
				owner = SharedPrefix + "task" + strconv.Itoa(i) + "/"
			}
			for e := 0; e < cfg.TaskExperts; e++ {
				lv.task[i] = append(lv.task[i], newMLP(ps, owner+prefix+"expert"+strconv.Itoa(e), in, cfg.Hidden, rng))
			}
			gateOwner := TaskPrefix(i)
			if l+2 < levels { // feeds task i's experts of a level that is not the top
				gateOwner = SharedPrefix + "task" + strconv.Itoa(i) + "/"
			}
			lv.taskGates = append(lv.taskGates, &gate{fc: nn.NewDense(ps, gateOwner+prefix+"gate", in, cfg.Experts+cfg.TaskExperts, rng)})
		}
		if l+1 < levels {
			lv.sharedGate = &gate{fc: nn.NewDense(ps, SharedPrefix+prefix+"gate", in, cfg.Experts+T*cfg.TaskExperts, rng)}
		}
		p.levels = append(p.levels, lv)
		in = lastWidth(cfg.Hidden)
	}
	for i, t := range tasks {
		p.towers = append(p.towers, newTower(ps, TaskPrefix(i)+"tower", in, cfg.Tower, t.Outputs(), rng))
	}
	return p
}

func (p *ple) lastShared() []*nn.Tensor { return lastWeights(p.levels[len(p.levels)-1].shared) }

func (p *ple) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	T := len(p.towers)
	sharedIn := inputs[0]
	taskIn := make([]*nn.Tensor, T)
	for i := range taskIn {
		taskIn[i] = sharedIn
	}
	for _, lv := range p.levels {
		sharedOut := make([]*nn.Tensor, len(lv.shared))
		for e, ex := range lv.shared {
			sharedOut[e] = ex.forward(sharedIn)
		}
		all := append([]*nn.Tensor(nil), sharedOut...)
		next := make([]*nn.Tensor, T)
		for i := 0; i < T; i++ {
			own := append([]*nn.Tensor(nil), sharedOut...)
			for _, ex := range lv.task[i] {
				o := ex.forward(taskIn[i])
				own = append(own, o)
				all = append(all, o)
			}
			next[i] = lv.taskGates[i].mix(taskIn[i], nn.Stack(1, own...))
		}
		if lv.sharedGate != nil {
			sharedIn = lv.sharedGate.mix(sharedIn, nn.Stack(1, all...))
		}
		taskIn = next
	}
	out := make([]*nn.Tensor, T)
	for i, t := range p.towers {
		out[i] = t.forward(taskIn[i])
	}
	return out
}

// esmm is the entire-space multi-task model (Ma et al., SIGIR 2018): a CTR
// tower and a CVR tower over shared embeddings. Task 0 is trained on pCTR
// and task 1 on pCTCVR = pCTR × pCVR, both over all impressions, which
// removes the sample-selection bias of training CVR on clicks only. The
// second output is the logit of pCTCVR.
type esmm struct {
	ctr, cvr *tower
}

func newESMM(ps *nn.Params, in int, cfg Config, rng *rand.Rand) *esmm {
	widths := append(append([]int(nil), cfg.Hidden...), cfg.Tower...)
	return &esmm{
		ctr: newTower(ps, TaskPrefix(0)+"ctr", in, widths, 1, rng),
		cvr: newTower(ps, TaskPrefix(1)+"cvr", in, widths, 1, rng),
	}
}

func (m *esmm) lastShared() []*nn.Tensor { return nil }

func (m *esmm) forward(inputs []*nn.Tensor, _ bool) []*nn.Tensor {
	x := inputs[0]
	ctr := m.ctr.forward(x)
	pctcvr := nn.Mul(nn.Sigmoid(ctr), nn.Sigmoid(m.cvr.forward(x)))
	p := nn.Clamp(pctcvr, 1e-7, 1-1e-7)
	logit := nn.Sub(nn.Log(p), nn.Log(nn.AddScalar(nn.Neg(p), 1)))
	return []*nn.Tensor{ctr, logit}
}

// CVR returns the conversion rate given a click, pCVR, that an ESMM network
// predicts for batch b: the quantity ESMM is built to estimate.
func (n *Network) CVR(b *Batch) (*nn.Tensor, error) {
	m, ok := n.arch.(*esmm)
	if !ok {
		return nil, fmt.Errorf("mtl: CVR needs an esmm network, have %s", n.Config.Arch)
	}
	return nn.Sigmoid(m.cvr.forward(n.encoders[0].forward(b))), nil
}
