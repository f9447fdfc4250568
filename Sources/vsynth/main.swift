import CLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(await VSynthCLI.main(Array(CommandLine.arguments.dropFirst())))
