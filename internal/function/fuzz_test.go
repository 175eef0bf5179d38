package function

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/krmio"
	"github.com/lbguard/lbguard/transformers/model"
)

// FuzzFunction runs the whole function, in process, on any bytes as stdin.
// The seeds are every golden case (its files made into a ResourceList), the
// corpus sets of testdata/fuzz/corpus (each directory one list, some with a
// config), and the files of testdata/badinput. On every input:
//   - no panic, and nothing on stderr that looks like a crash;
//   - either exit 1 with one line on stderr and nothing on stdout, or an
//     output that parses, whose exit status says whether an error result is
//     in it, and that holds every input item;
//   - a second run on the output's items and config changes nothing and
//     gives the same exit status.
//
// The large seeds (over 12 kB) make the fuzzer slow; TestFunctionSeeds
// checks them, and every other seed, with the same properties.
func FuzzFunction(f *testing.F) {
	for _, seed := range functionSeeds(f) {
		if len(seed) <= 12_000 {
			f.Add(seed)
		}
	}
	f.Fuzz(checkFunction)
}

func TestFunctionSeeds(t *testing.T) {
	for i, seed := range functionSeeds(t) {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkFunction(t, seed) })
	}
}

// checkFunction checks the properties of FuzzFunction on one input.
func checkFunction(t *testing.T, in []byte) {
	out, status := runChecked(t, in)
	if out == nil {
		return
	}
	before, err := krmio.ParseResourceList(in)
	if err != nil {
		t.Fatalf("the output parses but the input does not: %v", err)
	}
	checkItemsKept(t, before.Items, out.Items)
	checkSameAsSDK(t, in)

	// The second run: the output without its results.
	out.Results = nil
	again, err := out.ToYAML()
	if err != nil {
		t.Fatalf("cannot print the output again: %v", err)
	}
	second, secondStatus := runChecked(t, again)
	if second == nil {
		t.Fatalf("the second run refuses the first run's output (exit %d):\n%s", secondStatus, again)
	}
	if secondStatus != status {
		t.Errorf("the second run exits %d, the first %d", secondStatus, status)
	}
	if got, want := itemTexts(second.Items), itemTexts(out.Items); !reflect.DeepEqual(got, want) {
		t.Errorf("the second run changes the items:\n%s\nafter the first run:\n%s", strings.Join(got, "---\n"), strings.Join(want, "---\n"))
	}
	for _, r := range second.Results {
		if r.Tags[model.TagAction] == model.ActionChanged && r.Severity != fn.Error {
			t.Errorf("the second run reports a change: %s", r.Message)
		}
	}
}

// runChecked runs the function on in and checks what any run must hold. It
// returns the parsed output, or nil when the input was refused.
func runChecked(t *testing.T, in []byte) (*fn.ResourceList, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := Run(bytes.NewReader(in), &stdout, &stderr, Process)
	if strings.Contains(stderr.String(), "internal error") {
		// Run the same steps without the recover, for the stack trace.
		rl, err := krmio.ParseResourceList(in)
		if err == nil {
			Process(rl, Reread(in))
			rl.ToYAML()
		}
		t.Fatalf("exit %d: %s", status, stderr.String())
	}
	checkStderr(t, stderr.String())
	if status != 0 && status != 1 {
		t.Fatalf("exit status %d, want 0 or 1", status)
	}
	if stdout.Len() == 0 {
		if status != 1 || !strings.HasPrefix(stderr.String(), "lbguard: ") || strings.Count(stderr.String(), "\n") != 1 || !strings.HasSuffix(stderr.String(), "\n") {
			t.Fatalf("nothing on stdout, exit %d and stderr %q; want exit 1 and one line saying why", status, stderr.String())
		}
		return nil, status
	}
	out, err := fn.ParseResourceList(stdout.Bytes())
	if err != nil {
		t.Fatalf("the output does not parse: %v\n%s", err, stdout.String())
	}
	if want := out.Results.ExitCode(); status != want {
		t.Fatalf("exit status %d, but the results say %d:\n%s", status, want, stdout.String())
	}
	return out, status
}

// checkItemsKept checks that every input item comes out, by apiVersion,
// kind, namespace and name (rules add objects; they never drop or rename one).
func checkItemsKept(t *testing.T, in, out fn.KubeObjects) {
	t.Helper()
	id := func(o *fn.KubeObject) string {
		return strings.Join([]string{o.GetAPIVersion(), o.GetKind(), o.GetNamespace(), o.GetName()}, "|")
	}
	count := map[string]int{}
	for _, o := range out {
		count[id(o)]++
	}
	for _, o := range in {
		if count[id(o)] == 0 {
			t.Fatalf("the input item %s is not in the output", id(o))
		}
		count[id(o)]--
	}
}

// checkSameAsSDK checks that lbguard's parser reads what the SDK reads,
// wherever the SDK reads the input at all (it panics on aliases).
func checkSameAsSDK(t *testing.T, in []byte) {
	t.Helper()
	if bytes.Contains(in, []byte("*")) {
		return // maybe aliases: lbguard expands them, the SDK cannot read them
	}
	theirs, err := func() (rl *fn.ResourceList, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return fn.ParseResourceList(in)
	}()
	if err != nil {
		return
	}
	ours, err := krmio.ParseResourceList(in) // afresh: a run edits what it reads
	if err != nil {
		t.Fatal(err)
	}
	a, errA := ours.ToYAML()
	b, errB := theirs.ToYAML()
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Fatalf("lbguard reads the input otherwise than the SDK (%v, %v):\n%s\nthe SDK:\n%s", errA, errB, a, b)
	}
}

// functionSeeds are the seed inputs of FuzzFunction.
func functionSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	goldens, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "golden", "*"))
	for _, dir := range goldens {
		var config []byte
		if b, err := os.ReadFile(filepath.Join(dir, "_fnconfig.yaml")); err == nil {
			config = b
		}
		seeds = append(seeds, resourceListOf(tb, dir, false, config))
	}
	corpus := filepath.Join("..", "..", "testdata", "fuzz", "corpus")
	configs := [][]byte{nil,
		[]byte("apiVersion: lbguard.dev/v1alpha1\nkind: LBGuard\nmetadata:\n  name: lbguard\nspec:\n  mode: audit\n"),
		[]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lbguard\ndata:\n  scope: all\n  kubernetesVersion: \"1.29\"\n  sidecarPreStop: \"true\"\n  maxUnavailable: 25%\n"),
	}
	sets, _ := os.ReadDir(corpus)
	for _, set := range sets {
		if !set.IsDir() {
			continue
		}
		// The whole set (the small ones with each config, to keep the
		// fuzzer fast); then each directory below it alone.
		whole := resourceListOf(tb, filepath.Join(corpus, set.Name()), true, nil)
		seeds = append(seeds, whole)
		for _, config := range configs[1:] {
			if len(whole) < 8000 {
				seeds = append(seeds, resourceListOf(tb, filepath.Join(corpus, set.Name()), true, config))
			}
		}
		filepath.WalkDir(filepath.Join(corpus, set.Name()), func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && path != filepath.Join(corpus, set.Name()) {
				seeds = append(seeds, resourceListOf(tb, path, true, nil))
			}
			return nil
		})
	}
	bad, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "badinput", "*.yaml"))
	for _, file := range bad {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// resourceListOf makes a ResourceList of the YAML files in dir (below it
// too when recursive), leaving out golden files and kustomizations.
func resourceListOf(tb testing.TB, dir string, recursive bool, config []byte) []byte {
	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != dir && !recursive:
			return filepath.SkipDir
		case d.IsDir(), strings.HasPrefix(d.Name(), "_"), d.Name() == "kustomization.yaml",
			!strings.HasSuffix(d.Name(), ".yaml") && !strings.HasSuffix(d.Name(), ".yml"):
			return nil
		}
		files = append(files, path)
		return nil
	})
	sort.Strings(files)
	rl := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		objects, err := fn.ParseKubeObjects(b)
		if err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		rl.Items = append(rl.Items, objects...)
	}
	if config != nil {
		obj, err := fn.ParseKubeObject(config)
		if err != nil {
			tb.Fatalf("%s config: %v", dir, err)
		}
		rl.FunctionConfig = obj
	}
	out, err := rl.ToYAML()
	if err != nil {
		tb.Fatalf("%s: %v", dir, err)
	}
	return out
}
