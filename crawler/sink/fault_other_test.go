//go:build !linux

package sink

import (
	"fmt"
	"os"
)

// faultHelperVariable makes the test binary run runFaultHelper instead of
// the tests. The child-process fault tests run on Linux only, because they
// use RLIMIT_FSIZE and SIGKILL.
const faultHelperVariable = "GLEANER_SINK_FAULT_HELPER"

func runFaultHelper(mode string) int {
	fmt.Fprintf(os.Stderr, "fault helper %q runs on Linux only\n", mode)
	return 3
}
