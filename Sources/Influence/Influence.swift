@_exported import WeakSup
