//go:build !race

package parseable

const raceOn = false
