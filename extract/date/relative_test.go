package date

import (
	"fmt"
	"testing"
	"time"
)

// TestRelativeCountBack checks every count from 0 to 100 of every relative
// unit against a reference computed here: ref minus N units, never after
// ref, with the documented precision.
func TestRelativeCountBack(t *testing.T) {
	newYork := mustLoad(t, "America/New_York")
	refs := []struct {
		ref string
		loc *time.Location
	}{
		{"2024-03-31T10:17:42+08:00", shanghai},
		{"2024-01-01T00:10:00+08:00", shanghai},
		{"2023-03-12T03:30:00-04:00", newYork}, // the day summer time starts
		{"2024-02-29T23:59:59Z", time.UTC},
	}
	tests := []struct {
		format    string
		precision Precision
		// expect returns the expected time for ref (already in the
		// location) and n.
		expect func(ref time.Time, n int) time.Time
	}{
		{"%d秒前", Second, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Second)
		}},
		{"%d分钟前", Minute, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Minute).Truncate(time.Minute)
		}},
		{"%d 分鐘前", Minute, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Minute).Truncate(time.Minute)
		}},
		{"%d小时前", Minute, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Hour).Truncate(time.Minute)
		}},
		{"%d時間前", Minute, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Hour).Truncate(time.Minute)
		}},
		{"%d hours ago", Minute, func(ref time.Time, n int) time.Time {
			return ref.Add(-time.Duration(n) * time.Hour).Truncate(time.Minute)
		}},
		{"%d天前", Day, func(ref time.Time, n int) time.Time {
			return midnight(ref.AddDate(0, 0, -n))
		}},
		{"%d days ago", Day, func(ref time.Time, n int) time.Time {
			return midnight(ref.AddDate(0, 0, -n))
		}},
		{"%d周前", Day, func(ref time.Time, n int) time.Time {
			return midnight(ref.AddDate(0, 0, -7*n))
		}},
		{"%d個月前", Day, func(ref time.Time, n int) time.Time {
			first := time.Date(ref.Year(), ref.Month()-time.Month(n), 1, 0, 0, 0, 0, ref.Location())
			last := first.AddDate(0, 1, -1).Day()
			return first.AddDate(0, 0, min(ref.Day(), last)-1)
		}},
	}

	for _, r := range refs {
		ref := mustTime(t, r.ref).In(r.loc)
		for _, tt := range tests {
			for n := 0; n <= 100; n++ {
				text := fmt.Sprintf(tt.format, n)
				want := tt.expect(ref, n)

				got, ok := Parse(text, ref, r.loc)

				if !ok {
					t.Errorf("Parse(%q) at %s found nothing", text, r.ref)
					continue
				}
				if !got.Time.Equal(want) {
					t.Errorf("Parse(%q) at %s = %s, want %s", text, r.ref, got.Format(), want.Format(time.RFC3339))
				}
				if got.Time.After(ref) {
					t.Errorf("Parse(%q) at %s = %s, after the reference time", text, r.ref, got.Format())
				}
				if got.Precision != tt.precision {
					t.Errorf("Parse(%q).Precision = %s, want %s", text, got.Precision, tt.precision)
				}
				if !got.Relative {
					t.Errorf("Parse(%q).Relative = false", text)
				}
			}
		}
	}
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
