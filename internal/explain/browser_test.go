package explain

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The HTML report as a user sees it: headless Chromium renders it and saves
// a PNG, in LBGUARD_SCREENSHOT_DIR when set (to look at), else in a
// temporary directory. Where chromium is absent the test skips, unless
// LBGUARD_REQUIRE_BROWSER=1 (CI), where it fails.

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("LBGUARD_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not on PATH and LBGUARD_REQUIRE_BROWSER=1: apt-get install -y chromium")
	}
	t.Skip("chromium is not on PATH (apt-get install -y chromium): the HTML report is not rendered")
	return ""
}

// screenshot renders the page in a window of width × height, saves the PNG
// at out and returns its image.
func screenshot(t *testing.T, browser, page, out string, width, height int) image.Image {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--screenshot="+out,
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "file://"+page)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, output)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %d×%d, want %d×%d", b.Dx(), b.Dy(), width, height)
	}
	return img
}

// share counts the pixels near c, as a part of all.
func share(img image.Image, c color.RGBA) float64 {
	b := img.Bounds()
	near := func(a, b uint32) bool { return a>>8 > b-24 && a>>8 < b+24 }
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, uint32(c.R)) && near(g, uint32(c.G)) && near(bl, uint32(c.B)) {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}

func TestBrowserRendersReport(t *testing.T) {
	browser := chromium(t)
	dir := os.Getenv("LBGUARD_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	failing := color.RGBA{0xe0, 0x31, 0x31, 0xff}
	healthy := color.RGBA{0x3b, 0x7d, 0xd8, 0xff}
	for _, name := range []string{"e1-alb-defaults", "e3-nlb-defaults"} {
		t.Run(name, func(t *testing.T) {
			page, err := filepath.Abs(filepath.Join(dir, name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, []byte(explainOutput(t, name, "--format", "html")), 0o644); err != nil {
				t.Fatal(err)
			}
			img := screenshot(t, browser, page, filepath.Join(dir, name+".png"), 1400, 1800)
			// The page shows the timelines: the red band where requests
			// fail now, and healthy targets, each a visible part of it.
			if s := share(img, failing); s < 0.0005 {
				t.Errorf("the red band of failing requests covers %.4f of the page: not drawn", s)
			}
			if s := share(img, healthy); s < 0.02 {
				t.Errorf("healthy targets cover %.4f of the page: the lanes are not drawn", s)
			}
			t.Logf("rendered %s", filepath.Join(dir, name+".png"))
		})
	}
}
