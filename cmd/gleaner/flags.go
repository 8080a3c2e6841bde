package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"
)

// newFlagSet returns a flag set for command that returns parse errors
// instead of exiting. After a bad flag, the flag package's message on
// stderr is followed by a pointer to the command's help; --help itself
// prints the whole usage once, on stdout (see parseFlags).
func newFlagSet(command, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gleaner "+command, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// durationValue is a flag.Value for a Go duration. Its error shows how to
// write one, where the flag package prints only "parse error".
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return "0s"
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration: use a number with a unit (ms, s, m, h), such as 90s or 10m")
	}
	*v.d = d
	return nil
}

// durationFlag defines a duration flag with a helpful parse error.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationValue{p}, name, usage)
}

// parseFlags parses args into fs and returns the arguments that are not
// flags. Flags may come before, between or after the arguments; everything
// after "--" is an argument.
//
// It returns stop = true when the command must end: after --help, which
// prints the usage to stdout, with a nil error, and after a bad flag, which
// the flag package has already reported on stderr, with an error.
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout io.Writer) (positional []string, stop bool, err error) {
	var afterDashes []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, afterDashes = args[:i], args[i+1:]
	}

	for {
		err = fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, true, nil
		}
		if err != nil {
			fmt.Fprintf(fs.Output(), "Run '%s --help' for the flags.\n", fs.Name())
			return nil, true, withCode(exitFailure, errReported)
		}

		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}

	return append(positional, afterDashes...), false, nil
}

// usageErrorf reports a mistake in the command line, with a pointer to the
// command's help.
func usageErrorf(command, format string, args ...any) error {
	message := fmt.Sprintf(format, args...)
	return withCode(exitFailure, fmt.Errorf("%s: %s (see \"gleaner help %s\")", command, message, command))
}

// loadZone returns the time zone named by an IANA name, or nil for "".
func loadZone(command, name string) (*time.Location, error) {
	if name == "" {
		return nil, nil
	}

	zone, err := time.LoadLocation(name)
	if err != nil {
		return nil, usageErrorf(command, "unknown time zone %q: use an IANA name such as Asia/Shanghai or UTC", name)
	}
	return zone, nil
}
