package render

import (
	slash "path"
	"path/filepath"
	"strings"
)

// excluded says whether a path, relative to the root, matches one of the
// patterns a repository excludes (--exclude, the repository config): a
// pattern matches the path or any directory above it, as slash.Match reads
// it ("test/*", "*.tf.yaml"); a leading "**/" matches at any depth.
func excluded(rel string, patterns []string) bool {
	rel = filepath.ToSlash(rel)
	for _, p := range patterns {
		p = strings.TrimSuffix(strings.TrimPrefix(slash.Clean(filepath.ToSlash(p)), "./"), "/")
		anyDepth := strings.HasPrefix(p, "**/")
		p = strings.TrimPrefix(p, "**/")
		for candidate := rel; ; {
			if matchAt(p, candidate, anyDepth) {
				return true
			}
			parent := slash.Dir(candidate)
			if parent == candidate || parent == "." || parent == "/" {
				break
			}
			candidate = parent
		}
	}
	return false
}

// matchAt matches pattern against p, or, anyDepth, against every tail of
// p that starts after a slash.
func matchAt(pattern, p string, anyDepth bool) bool {
	for {
		if ok, _ := slash.Match(pattern, p); ok {
			return true
		}
		i := strings.Index(p, "/")
		if !anyDepth || i < 0 {
			return false
		}
		p = p[i+1:]
	}
}
