package cstruct

import (
	"fmt"
	"io/fs"
	"reflect"
)

// includeNames names include directories for positions and messages: a
// directory of os.DirFS by its path, an FS with a String method by that;
// others stay unnamed ("").
func includeNames(dirs []fs.FS) []string {
	names := make([]string, len(dirs))
	for i, d := range dirs {
		switch v := d.(type) {
		case nil:
		case fmt.Stringer:
			names[i] = v.String()
		default:
			if reflect.TypeOf(d).Kind() == reflect.String { // os.DirFS(dir) is a string type
				names[i] = reflect.ValueOf(d).String()
			}
		}
	}
	return names
}
