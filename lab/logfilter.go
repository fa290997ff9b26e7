package main

import (
	"bufio"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// quietStderr keeps a Kubernetes component's stderr quiet: every line goes to logPath, and only klog's
// errors and fatals (lines starting E/F followed by the date) plus anything that is not a klog line
// (panics, Go runtime errors) reach the real stderr. A starting apiserver warns ~25 times about API
// versions it skips; those stay in the file. The component writes to fd 2 as usual:
// fd 2 is replaced by a pipe, so even writes that bypass os.Stderr are caught.
func quietStderr(logPath string, verbose bool) error {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	realFD, err := unix.Dup(2)
	if err != nil {
		return err
	}
	real := os.NewFile(uintptr(realFD), "stderr")
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	if err := unix.Dup2(int(w.Fd()), 2); err != nil {
		return err
	}
	os.Stderr = os.NewFile(2, "/dev/stderr")
	go forwardLog(r, logFile, real, verbose)
	return nil
}

func forwardLog(r io.Reader, logFile, real io.Writer, verbose bool) {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
	show := true
	for scanner.Scan() {
		line := scanner.Text()
		_, _ = io.WriteString(logFile, line+"\n")
		switch {
		case isKlogHeader(line):
			show = verbose || line[0] == 'E' || line[0] == 'F'
		case strings.HasPrefix(line, "\t") || strings.HasPrefix(line, " >"):
			// continuation of a multi-line klog value: same fate as its first line
		default:
			show = true
		}
		if show {
			_, _ = io.WriteString(real, line+"\n")
		}
	}
}

// isKlogHeader matches "I1202 18:43:49.123456 ..." (severity letter, month, day).
func isKlogHeader(line string) bool {
	if len(line) < 6 || !strings.ContainsRune("IWEF", rune(line[0])) {
		return false
	}
	for _, c := range line[1:5] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return line[5] == ' '
}
