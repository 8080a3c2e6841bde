package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// prune removes what is never visible text: scripts, styles, comments,
// form controls and elements hidden by attribute or inline style. After
// it, no date inside a script or an ad configuration can be read.
func (p *page) prune() {
	var drop []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.CommentNode:
				drop = append(drop, c)
				continue
			case c.Type != html.ElementNode:
				continue
			case removableTags[c.Data], isHidden(c):
				drop = append(drop, c)
				continue
			}
			walk(c)
		}
	}
	walk(p.doc)

	for _, n := range drop {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// removableTags are elements whose content is never article text.
var removableTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"canvas": true, "iframe": true, "object": true, "embed": true, "select": true,
	"textarea": true, "button": true, "input": true, "math": true, "audio": true,
	"video": true, "map": true, "link": true, "meta": true, "dialog": true,
	// Ruby annotations: the reading aids printed above Japanese and Chinese
	// text ("子" with "こ") are not part of the text itself.
	"rt": true, "rp": true,
}

// isHidden reports whether n is hidden by the hidden attribute, aria-hidden
// or an inline display:none / visibility:hidden.
func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") && n.Data != "span" && n.Data != "i" {
				return true
			}
		case "style":
			s := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// visibleWeight returns the text weight of the whole document.
func (p *page) visibleWeight() int {
	return p.st.weightOf(p.doc)
}
