import CReadStat
import Foundation

/// ReadStat's file access through a buffer (1 MiB unless tests ask for less). ReadStat's own handlers call `read(2)` for
/// every piece it wants — a Stata row at a time — which on a million-row file is a million
/// system calls; through this buffer the file is read in large pieces and never held whole.
final class StatFileInput {
    private let capacity: Int
    private var descriptor: Int32 = -1
    private let buffer: UnsafeMutableRawBufferPointer
    /// The file offset of the buffer's first byte; the descriptor stands at `start + fill`.
    private var start: Int64 = 0
    private var fill = 0
    private var position = 0

    /// A buffer of `capacity` bytes.
    init(capacity: Int) {
        self.capacity = capacity
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        if descriptor >= 0 { Foundation.close(descriptor) }
        buffer.deallocate()
    }

    /// Installs the buffer as `parser`'s file access.
    func install(on parser: UnsafeMutablePointer<readstat_parser_t>) {
        readstat_set_open_handler(parser) { path, context in
            let input = StatFileInput.of(context)
            input.descriptor = open(path!, O_RDONLY)
            (input.start, input.fill, input.position) = (0, 0, 0)
            return input.descriptor
        }
        readstat_set_close_handler(parser) { context in
            let input = StatFileInput.of(context)
            guard input.descriptor >= 0 else { return 0 }
            defer { input.descriptor = -1 }
            return Foundation.close(input.descriptor)
        }
        readstat_set_seek_handler(parser) { offset, whence, context in
            StatFileInput.of(context).seek(Int64(offset), whence)
        }
        readstat_set_read_handler(parser) { destination, count, context in
            StatFileInput.of(context).read(into: destination!, count: count)
        }
        // No progress handler is set, so there is no progress to report.
        readstat_set_update_handler(parser) { _, _, _, _ in READSTAT_OK }
        readstat_set_io_ctx(parser, Unmanaged.passUnretained(self).toOpaque())
    }

    private static func of(_ context: UnsafeMutableRawPointer?) -> StatFileInput {
        Unmanaged<StatFileInput>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Moves to an offset: within the buffer without a system call, else by `lseek`.
    private func seek(_ offset: Int64, _ whence: readstat_io_flags_t) -> readstat_off_t {
        var target: Int64
        switch whence {
        case READSTAT_SEEK_SET: target = offset
        case READSTAT_SEEK_CUR: target = start + Int64(position) + offset
        default:
            let end = lseek(descriptor, 0, SEEK_END)
            guard end >= 0 else { return -1 }
            target = Int64(end) + offset
            (start, fill, position) = (Int64(end), 0, 0)
        }
        if target >= start, target <= start + Int64(fill) {
            position = Int(target - start)
            return readstat_off_t(target)
        }
        guard lseek(descriptor, off_t(target), SEEK_SET) >= 0 else { return -1 }
        (start, fill, position) = (target, 0, 0)
        return readstat_off_t(target)
    }

    /// Copies the next `count` bytes (fewer at the end of the file); -1 on a read error.
    private func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        var copied = 0
        while copied < count {
            if position == fill {
                start += Int64(fill)
                (fill, position) = (0, 0)
                let got = Foundation.read(descriptor, buffer.baseAddress!, capacity)
                if got < 0 { return copied > 0 ? copied : -1 }
                if got == 0 { break }
                fill = got
            }
            let n = min(count - copied, fill - position)
            (destination + copied).copyMemory(from: buffer.baseAddress! + position, byteCount: n)
            copied += n
            position += n
        }
        return copied
    }
}
