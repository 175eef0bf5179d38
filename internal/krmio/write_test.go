package krmio

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/gen"
)

// The output comes out as written, however the writes fall on its chunks.
func TestOutputChunks(t *testing.T) {
	var want []byte
	out := &Output{}
	for i, n := range []int{0, 1, outputChunk - 2, 3, outputChunk, 2*outputChunk + 5, 7} {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		out.Write(p)
		want = append(want, p...)
	}
	out.WriteString("end\n")
	want = append(want, "end\n"...)
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("Bytes: %d bytes, want %d, or not the same", len(out.Bytes()), len(want))
	}
	var w bytes.Buffer
	if n, err := out.WriteTo(&w); err != nil || n != int64(len(want)) || !bytes.Equal(w.Bytes(), want) {
		t.Errorf("WriteTo: %d bytes, %v", n, err)
	}
	for i, c := range out.chunks {
		if cap(c) != outputChunk || i < len(out.chunks)-1 && len(c) != outputChunk {
			t.Errorf("chunk %d: %d bytes of %d", i, len(c), cap(c))
		}
	}
}

// sortItems puts items in the very order ResourceList.Sort does, objects of
// the same id included (sort.Sort is not stable: the same comparisons must
// give the same order).
func TestSortItemsIsSort(t *testing.T) {
	list := gen.ResourceList(3000, gen.DefaultSeed)
	rl, err := ParseResourceList(list.YAML)
	if err != nil {
		t.Fatal(err)
	}
	// Objects of the same id, and objects missing what the id is made of.
	for i := 0; i < 300; i += 3 {
		rl.Items = append(rl.Items, rl.Items[i].Copy())
	}
	rl.Items = append(rl.Items, fn.NewEmptyKubeObject(), fn.NewEmptyKubeObject())
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rl.Items), func(i, j int) { rl.Items[i], rl.Items[j] = rl.Items[j], rl.Items[i] })
	want := slices.Clone(rl.Items)
	sort.Sort(want)
	sortItems(rl.Items)
	for i := range want {
		if rl.Items[i] != want[i] {
			t.Fatalf("item %d: %s %s, want %s %s (the same object)", i, rl.Items[i].GetKind(), rl.Items[i].GetName(), want[i].GetKind(), want[i].GetName())
		}
	}
}
