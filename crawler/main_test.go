package crawler

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them: a
// crawl must stop its fetches, its writer and its connections.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
