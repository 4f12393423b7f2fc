/// Which published part of a dataset to load.
public enum DatasetPartition: String, Sendable, CaseIterable {
    case train
    case test
}
