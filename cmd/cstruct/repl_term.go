package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chzyer/readline"
	"github.com/fsnotify/fsnotify"
)

// replCommands are the commands tab completion offers.
var replCommands = []string{"dump", "next", "seek", "hex", "layout", "types", "eval", "def", "reload", "watch", "json", "text", "hexints", "help", "quit"}

// interactive runs the session on a terminal: line editing, history in
// ~/.cstruct_history, tab completion of commands and type names.
func (s *session) interactive(e *env) error {
	typeNames := func(string) []string {
		s.mu.Lock()
		defer s.mu.Unlock()
		var names []string
		for n := range s.spec.Types() {
			names = append(names, n)
		}
		return names
	}
	var items []readline.PrefixCompleterInterface
	for _, c := range replCommands {
		switch c {
		case "dump", "layout":
			items = append(items, readline.PcItem(c, readline.PcItemDynamic(typeNames)))
		default:
			items = append(items, readline.PcItem(c))
		}
	}
	history := ""
	if home, err := os.UserHomeDir(); err == nil {
		history = filepath.Join(home, ".cstruct_history")
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          "cstruct> ",
		HistoryFile:     history,
		AutoComplete:    readline.NewPrefixCompleter(items...),
		InterruptPrompt: "^C",
		EOFPrompt:       "quit",
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	// the records go through the readline's writer, which redraws the
	// prompt around what the watcher prints
	out := &flushWriter{w: rl.Stdout()}
	s.out = out
	fmt.Fprintln(out, `cstruct repl: "help" lists the commands, tab completes them and type names.`)
	for {
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			continue
		}
		if err != nil { // io.EOF: ^D
			return nil
		}
		quit, err := s.exec(line)
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
		if quit {
			return nil
		}
	}
}

// flushWriter writes through (the repl's output is not buffered).
type flushWriter struct{ w io.Writer }

func (f *flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }

// watch starts (or with "off" stops) reloading the definitions when a .h
// file is written, and then showing the last dump again.
func (s *session) watch(arg string) error {
	if arg == "off" {
		s.stopWatch()
		fmt.Fprintln(s.out, "watch: off")
		return nil
	}
	if s.watcher != nil {
		return fmt.Errorf("watch: already on (watch off stops it)")
	}
	if len(s.defs.File) == 0 {
		return fmt.Errorf("watch: no .h file to watch (give -f)")
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	// editors save by renaming a new file over the old: watch the
	// directories of the files and the -I directories, and take the
	// events of their .h files (an included file changes too)
	dirs := map[string]bool{}
	for _, d := range append(append([]string(nil), s.defs.Include...), s.defs.File...) {
		if slices.Contains(s.defs.File, d) {
			d = filepath.Dir(d)
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			w.Close()
			return err
		}
		if !dirs[abs] {
			if err := w.Add(abs); err != nil {
				w.Close()
				return err
			}
			dirs[abs] = true
		}
	}
	s.watcher = w
	go s.watchLoop(w, dirs)
	fmt.Fprintf(s.out, "watch: reloading on every save of a .h file in %s\n", strings.Join(sortedKeys(dirs), ", "))
	return nil
}

func (s *session) watchLoop(w *fsnotify.Watcher, dirs map[string]bool) {
	var timer <-chan time.Time
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			abs, _ := filepath.Abs(ev.Name)
			if dirs[filepath.Dir(abs)] && strings.HasSuffix(abs, ".h") && ev.Op&(fsnotify.Write|fsnotify.Create|fsnotify.Rename) != 0 {
				// an editor writes in several steps: wait for it to settle
				timer = time.After(100 * time.Millisecond)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.mu.Lock()
			fmt.Fprintf(s.out, "watch: %v\n", err)
			s.mu.Unlock()
		case <-timer:
			timer = nil
			s.redraw()
		}
	}
}

// redraw reloads and shows the last dump again at its offset.
func (s *session) redraw() {
	s.mu.Lock()
	err := s.reload()
	redo := s.redo
	if err == nil && redo != "" {
		// the dump again from where it started, over the record before it
		s.cur, s.last = s.redoFrom.cur, s.redoFrom.last
		if s.redoFrom.lastType != nil {
			if t, err := s.spec.Lookup(s.redoFrom.lastType.String()); err == nil {
				s.lastType = t
			}
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.mu.Lock()
		fmt.Fprintf(s.out, "error: %v\n", err)
		s.mu.Unlock()
		return
	}
	if redo != "" {
		if _, err := s.exec(redo); err != nil {
			s.mu.Lock()
			fmt.Fprintf(s.out, "error: %v\n", err)
			s.mu.Unlock()
		}
	}
	s.flush()
}

func (s *session) stopWatch() {
	if s.watcher != nil {
		s.watcher.Close()
		s.watcher = nil
	}
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
