/// The token rows of one forward pass and where each belongs: one sequence contributing n tokens at
/// positions start ..< start+n (a prompt chunk, the arithmetic of llama.cpp evaluating that batch), or
/// several sequences contributing one token each (a decode step, every row with the arithmetic of a
/// one-token batch, so a sequence's numbers do not depend on the sequences beside it).
struct ForwardRows {
    /// One sequence's rows: `count` tokens at positions `start ..< start + count`, rows
    /// `firstRow ..< firstRow + count` of the batch.
    struct Segment {
        let sequence: InferenceSequence
        let start: Int
        let count: Int
        let firstRow: Int
    }

    let segments: [Segment]
    /// Rows of the batch (n).
    let count: Int
    /// (n) the segment of each row.
    let segmentOfRow: [Int]

    /// `count` tokens of one sequence after its cached positions.
    init(_ sequence: InferenceSequence, count: Int) {
        segments = [Segment(sequence: sequence, start: sequence.tokens.count, count: count, firstRow: 0)]
        self.count = count
        segmentOfRow = [Int](repeating: 0, count: count)
    }

    /// One token for each sequence, after its cached positions.
    init(decoding sequences: [InferenceSequence]) {
        segments = sequences.enumerated().map { Segment(sequence: $1, start: $1.tokens.count, count: 1, firstRow: $0) }
        count = sequences.count
        segmentOfRow = Array(0..<count)
    }

    /// Every row computed as a one-token batch: the matmuls run per token (Kernels.matmul's `perToken`).
    var perToken: Bool { segments.count > 1 }

    /// The position of row `row` in its sequence.
    @inline(__always)
    func position(_ row: Int) -> Int {
        let segment = segments[segmentOfRow[row]]
        return segment.start + row - segment.firstRow
    }

    /// Stores the batch's keys and values (n, kvDim) of `layer` into each row's sequence cache.
    func store(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, layer: Int, kvDim: Int) {
        for segment in segments {
            let cache = segment.sequence.cache
            cache.keys(layer: layer, position: segment.start)
                .update(from: keys + segment.firstRow * kvDim, count: segment.count * kvDim)
            cache.values(layer: layer, position: segment.start)
                .update(from: values + segment.firstRow * kvDim, count: segment.count * kvDim)
        }
    }
}
