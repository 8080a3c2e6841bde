module github.com/gleanerhq/gleaner/bench/soak

go 1.26.0
