// Package export turns atop raw logs into data other tools read: JSON
// lines ([WriteJSON]), CSV ([WriteCSV]), Parquet ([WriteParquet], and a
// Hive-partitioned dataset by host and date, [WriteDataset]), a timeline
// of process starts and exits ([CollectTimeline]) and a description of a
// log ([ReadInfo]). The columns of CSV and Parquet, with their types, are
// [Columns]: names unique regardless of case ([TwinSuffix]), the same
// type in every version, text escaped to valid UTF-8 ([EscapeText]).
//
// The exports read a [Source], an [*atop.Reader] or [*atop.MultiReader],
// one sample at a time, and write as they read: a week of logs never sits in
// memory. (The timeline keeps one small record per process, since its
// events are sorted by time.) Field names are those of the version's .h
// files (gen.pid, cpu.utime, mem.physmem), so the output of each atop
// version says what that version stored; reserved fields (*future*) are
// left out unless Options.Reserved is set. Times are ISO 8601 in UTC, with
// the epoch seconds beside them, first in every record, as Splunk, Elastic
// and Timesketch want them.
//
//	r, err := atop.Open("/var/log/atop/atop_20261125")
//	if err != nil { … }
//	defer r.Close()
//	err = export.WriteJSON(os.Stdout, r, export.JSONOptions{Tasks: true})
//
// # Problems in the input
//
// A damaged log does not stop an export: a torn tail (a log still being
// written), a sample whose compressed data is corrupt, garbage skipped with
// atop.Options.Resync, and, for a multi-file source, a file that cannot be
// read at all, go to Options.Warn, and the export goes on with what can be
// read. [IsWarning] tells the harmless problems from unreadable input. An
// export returns an error only when it cannot go on: a write error (the
// first one ends it) or an error of a single-file source that ends it.
package export
