package model

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// An object's view names it as the SDK's getters do, malformed ids included:
// the rules classify and name objects by their views.
func TestObjectViewIsSDK(t *testing.T) {
	for _, doc := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}",
		"apiVersion: apps/v1/extra\nkind: Deployment\nmetadata: {name: web}",
		"apiVersion: /\nkind: Service\nmetadata: {name: web}",
		"apiVersion: ''\nkind: Service\nmetadata: {name: web}",
		"kind: Service\nmetadata: {name: web}",
		"apiVersion: 1\nkind: 2\nmetadata: {name: 3, namespace: true}",
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: '007', namespace: ~}",
		"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: []",
		"apiVersion: policy/v1\nkind: PodDisruptionBudget",
	} {
		obj, err := fn.ParseKubeObject([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		want := obj.GroupVersionKind()
		wantView := ObjectView{APIVersion: obj.GetAPIVersion(), KindName: obj.GetKind(), Name: obj.GetName(),
			WrittenNamespace: obj.GetNamespace(), GroupKind: GroupKind{want.Group, want.Kind}}
		got := *(&ObjectViews{}).View(obj)
		got.Root = nil
		if got != wantView {
			t.Errorf("%s:\n got  %+v\n want %+v", doc, got, wantView)
		}
	}
}
