import JutsuPipeline
import Testing

/// `docs/pipelines.md` stays what the schema says.
@Suite struct DocumentationTests {
    static let begin = "<!-- BEGIN FIELD REFERENCE -->\n"
    static let end = "<!-- END FIELD REFERENCE -->"

    @Test func fieldReferenceMatchesTheSchema() throws {
        let doc = try Repository.read("docs/pipelines.md")
        guard let start = doc.range(of: Self.begin), let stop = doc.range(of: Self.end, range: start.upperBound..<doc.endIndex)
        else {
            Issue.record("docs/pipelines.md has no field reference markers")
            return
        }
        let block = String(doc[start.upperBound..<stop.lowerBound])
        #expect(block == PipelineSchema.referenceMarkdown(), "run scripts/gen-pipeline-docs")
    }

    @Test func theExampleIsAValidPipeline() throws {
        let doc = try Repository.read("docs/pipelines.md")
        guard let start = doc.range(of: "```yaml\n"), let stop = doc.range(of: "```\n", range: start.upperBound..<doc.endIndex)
        else {
            Issue.record("no yaml example")
            return
        }
        let yaml = String(doc[start.upperBound..<stop.lowerBound])
        let result = PipelineLoader.load(yaml: yaml, file: "example.yaml", environment: Repository.environment)
        #expect(throws: Never.self) { try result.get() }
    }

    @Test func everySchemaFieldIsDocumentedOnce() {
        let reference = PipelineSchema.referenceMarkdown()
        for field in PipelineSchema.fields {
            #expect(reference.components(separatedBy: "| `\(field.path)` |").count == 2, "\(field.path)")
        }
        for info in SourceRegistry.kinds {
            for option in info.options {
                #expect(reference.contains("| `source.\(option.name)` |"), "\(info.kind) \(option.name)")
            }
        }
    }
}
