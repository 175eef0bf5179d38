package render

import "testing"

func TestQuiet(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"error calling fail: TEJHVUFSRF9URVNUX1RPS0VOPWdocF8wMTIzNDU2Nzg5YWJjZGVm", "error calling fail: [redacted]"},
		{"token ghp_0123456789abcdefABCDEF0123456789ab here", "token [redacted] here"},
		{"key AKIAIOSFODNN7EXAMPLE used", "key [redacted] used"},
		{"sha 0123456789abcdef0123456789abcdef01234567", "sha [redacted]"},
		{"npm_token=abcdefghij0123456789abcd", "[redacted]"},
		// names stay: directories, charts, versions
		{"/work/realrepos/aws-samples+eks-workshop-v2/manifests/base-application: not found",
			"/work/realrepos/aws-samples+eks-workshop-v2/manifests/base-application: not found"},
		{"kubernetes-sigs+aws-load-balancer-controller/helm/aws-load-balancer-controller-1.8.1",
			"kubernetes-sigs+aws-load-balancer-controller/helm/aws-load-balancer-controller-1.8.1"},
		{"GoogleCloudPlatform+microservices-demo/kustomize", "GoogleCloudPlatform+microservices-demo/kustomize"},
		{"line one\n\tline two", "line one line two"},
	} {
		if got := Quiet(tc.in); got != tc.want {
			t.Errorf("Quiet(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'a' + byte(i%7)
		if i%9 == 0 {
			long[i] = ' '
		}
	}
	if got := []rune(Quiet(string(long))); len(got) != maxMessage+1 || got[maxMessage] != '…' {
		t.Errorf("a long message is %d runes, not cut at %d", len(got), maxMessage)
	}
}
