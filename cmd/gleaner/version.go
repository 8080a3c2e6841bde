package main

import (
	"runtime"
	"runtime/debug"
)

// version is set at build time with
// -ldflags "-X main.version=v1.2.3"; without it the module version from
// the build information is used.
var version = ""

// versionString returns the version of gleaner and of the Go toolchain.
func versionString() string {
	v := version
	if v == "" {
		v = "(devel)"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
			v = info.Main.Version
		}
	}
	return v + " (" + runtime.Version() + ")"
}
