// Package defs holds the C definition files that the project ships. It has no logic.
package defs

import "embed"

// Atop holds one directory per atop minor version ("atop/2.3" … "atop/2.13"), each with an entry file atop.h.
//
//go:embed atop
var Atop embed.FS
