package sink

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
)

// gzipMember compresses data into one gzip member. Members appended to one
// another form a valid gzip file, which every gzip reader decodes as the
// concatenation of their contents, so each batch can be appended whole.
func gzipMember(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}

	return buf.Bytes(), nil
}

// gzipMagic starts every gzip member.
var gzipMagic = []byte{0x1f, 0x8b}

// countingReader counts the bytes read through it. It implements
// io.ByteReader, so that the gzip and flate readers take their input byte
// by byte from it and never read past the end of a member.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// readGzipMembers decodes the gzip members of r one after another and
// passes the content of each whole member to member. It returns the offset
// just after the last whole member. A member that ends early or fails its
// checksum, as one torn by a crash does, ends the scan without an error:
// the offset then shows where the good part ends.
func readGzipMembers(r io.Reader, member func(content []byte) error) (int64, error) {
	counter := &countingReader{r: bufio.NewReader(r)}
	var good int64

	zr := new(gzip.Reader)
	for {
		if err := zr.Reset(counter); err != nil {
			if errors.Is(err, io.EOF) {
				return good, nil
			}
			return good, nil // a torn or foreign header: keep what was good
		}
		zr.Multistream(false)

		content, err := io.ReadAll(zr)
		if err != nil {
			return good, nil
		}
		if err := member(content); err != nil {
			return good, err
		}
		good = counter.n
	}
}

// repairGzip is the tailRepair of gzip files written member by member: it
// cuts off a last member that a crash left incomplete.
func repairGzip(file appendFile, size int64) (int64, []byte, error) {
	good, err := readGzipMembers(io.NewSectionReader(file, 0, size), func([]byte) error { return nil })
	if err != nil {
		return 0, nil, err
	}
	if good == 0 {
		// Not even the first member is whole: this is no file of ours.
		return 0, nil, errors.New("the file is not gzip data: use another path, or remove gzip: true")
	}

	return good, nil, nil
}
